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
      expect(h.append(line(i))).toBe(true);
    }
    const everything = Buffer.concat(all);
    expect(h.end).toBe(everything.length);
    const onDisk = fs.statSync(file).size + fs.statSync(`${file}.1`).size;
    expect(onDisk).toBe(h.end - h.base);
    expect(onDisk).toBeLessThanOrEqual(256 * 1024 + line(0).length);
    expect(fs.statSync(`${file}.1`).size).toBeGreaterThanOrEqual(128 * 1024);
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
    for (let i = 0; i < 1000; i++) {
      if (h.append(line(i))) accepted++;
      else refused++;
    }
    expect(refused).toBeGreaterThan(0);
    expect(states[0]).toMatchObject({ ok: false, message: 'disk full' });
    expect(h.state.ok).toBe(false);
    expect(fs.statSync(file).size).toBe(h.end);

    fs.rmSync(filler);
    expect(h.append(Buffer.from('after the disk was freed\r\n'))).toBe(true);
    expect(states.at(-1)).toEqual({ ok: true });
    const text = fs.readFileSync(file, 'latin1');
    expect(text).toMatch(/\[jetvm: \d+ bytes of console output were not recorded from .* \(disk full\)\]\r\nafter the disk was freed\r\n$/);
    expect(accepted).toBeGreaterThan(0);
  });
});
