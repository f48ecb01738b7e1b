// The console history on a real file system: logical positions across rotations, and a real full disk (a 1 MiB tmpfs, as root).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ConsoleHistory, type RecordingState } from './history';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-history-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const line = (i: number) => Buffer.from(`line ${String(i).padStart(6, '0')} ${'x'.repeat(50)}\r\n`);

describe('console history', () => {
  it('keeps at most the cap in two segments, the newest half always, and reads by logical position across a rotation', async () => {
    const file = path.join(dir, 'rot', 'console.log');
    const h = new ConsoleHistory(file, { capBytes: 256 * 1024 });
    const all: Buffer[] = [];
    for (let i = 0; i < 10_000; i++) {
      all.push(line(i));
      h.append(line(i));
    }
    const everything = Buffer.concat(all);
    expect(h.end).toBe(everything.length);
    const onDisk = fs.statSync(file).size + fs.statSync(`${file}.1`).size;
    expect(onDisk).toBe(h.end - h.base);
    expect(onDisk).toBeLessThan(256 * 1024);
    // a write that crosses half the cap is split there, so the previous segment is exactly half
    expect(fs.statSync(`${file}.1`).size).toBe(128 * 1024);
    // what is kept is exactly the newest bytes, read back in chunks that cross the segment boundary
    const parts: Buffer[] = [];
    for (let pos = h.base; pos < h.end; ) {
      const b = await h.read(pos, 10_000);
      expect(b.length).toBeGreaterThan(0);
      parts.push(b);
      pos += b.length;
    }
    expect(Buffer.concat(parts).equals(everything.subarray(h.base))).toBe(true);
    await expect(h.read(h.base - 1, 10)).rejects.toThrow(/rotated away/);
    // a new instance (dashboard restart) carries on from the same files
    await h.close();
    const again = new ConsoleHistory(file, { capBytes: 256 * 1024 });
    expect(again.end - again.base).toBe(onDisk);
    const start = await again.historyStart(4096);
    expect((await again.read(start - 1, 1))[0]).toBe(0x0a);
    await again.close();
  });

  it('writes an append after a quiet spell at once, batches what follows it, and whatever reads the history first writes what is pending', async () => {
    const file = path.join(dir, 'batch', 'console.log');
    const h = new ConsoleHistory(file, { flushMs: 60_000 });
    onTestFinished(() => h.close());
    // quiet until now: written at once (an echoed key is on disk before the next key comes)
    h.append(line(0));
    expect(fs.statSync(file).size).toBe(line(0).length);
    // within flushMs of that write: it waits
    h.append(line(1));
    expect(fs.statSync(file).size).toBe(line(0).length);
    expect((await h.read(0, 1000)).equals(Buffer.concat([line(0), line(1)]))).toBe(true);
    h.append(line(2));
    expect(h.end).toBe(3 * line(0).length);
    expect(fs.statSync(file).size).toBe(h.end);
    // 64 KiB pending are written at once
    const big = Buffer.alloc(64 * 1024, 0x41);
    h.append(big);
    expect(fs.statSync(file).size).toBe(3 * line(0).length + big.length);
    // the end of the window writes the rest by itself
    const timed = new ConsoleHistory(file, { flushMs: 50 });
    onTestFinished(() => timed.close());
    const before = fs.statSync(file).size;
    timed.append(line(3));
    timed.append(line(5));
    expect(fs.statSync(file).size).toBe(before + line(3).length);
    for (let i = 0; fs.statSync(file).size < before + 2 * line(3).length; i++) {
      if (i > 100) throw new Error('the pending line was never written');
      await new Promise((r) => setTimeout(r, 10));
    }
    // closing writes what is pending
    h.append(line(4));
    await h.close();
    expect(fs.readFileSync(file, 'latin1').endsWith(line(4).toString('latin1'))).toBe(true);
  });
});

const isRoot = process.getuid?.() === 0;

describe.skipIf(!isRoot)('console history on a full disk (1 MiB tmpfs; needs root to mount)', () => {
  let mnt: string;
  beforeAll(() => {
    mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-fulldisk-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt]);
  });
  afterAll(() => {
    execFileSync('umount', [mnt]);
    fs.rmdirSync(mnt);
  });

  it('loses nothing it accepted, says when recording stops and resumes, and marks the gap', async () => {
    const file = path.join(mnt, 'vms', 'demo', 'console.log');
    const states: RecordingState[] = [];
    const h = new ConsoleHistory(file, { capBytes: 64 * 1024 * 1024, retryMs: 0 });
    h.onState = (s) => states.push(s);
    onTestFinished(() => h.close());
    const filler = path.join(mnt, 'filler');
    // leave about 8 KiB free
    fs.writeFileSync(filler, Buffer.alloc(1024 * 1024 - 8 * 1024 - fs.statfsSync(mnt).bsize * 2));
    let accepted = 0;
    let refused = 0;
    // batches of 10 lines, each written by flush() (or by the 64 KiB threshold)
    for (let i = 0; i < 1000; i++) {
      h.append(line(i));
      if (i % 10 === 9) {
        if (h.flush()) accepted++;
        else refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
    expect(states[0]).toMatchObject({ ok: false, message: 'disk full' });
    expect(h.state.ok).toBe(false);
    expect(fs.statSync(file).size).toBe(h.end);

    fs.rmSync(filler);
    h.append(Buffer.from('after the disk was freed\r\n'));
    expect(h.flush()).toBe(true);
    expect(states.at(-1)).toEqual({ ok: true });
    const text = fs.readFileSync(file, 'latin1');
    const gap = /\r\n\[jetvm: (\d+) bytes of console output were not recorded from .* \(disk full\)\]\r\nafter the disk was freed\r\n$/.exec(text);
    expect(gap).not.toBeNull();
    expect(accepted).toBeGreaterThan(0);
    // every byte appended is either on disk before the marker or counted in it
    expect(gap!.index + Number(gap![1])).toBe(1000 * line(0).length);
  });
});
