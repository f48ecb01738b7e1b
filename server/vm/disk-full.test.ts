// A real full disk: the data directory is a small tmpfs (mounting needs root; skipped otherwise), the
// demo guest floods its console until the disk is full, then space is freed. Viewers are told, live
// output keeps flowing, the gap is marked, the history stays capped, and a QEMU killed while the disk
// is full leaves no stale claim, run row or socket behind.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsoleServer, type ConsoleServer } from '../console/testing/console-server';
import { connectTerminal } from '../console/testing/terminal-client';
import { currentClaims } from './run-store';
import { vmPaths } from './paths';
import { pidAlive } from './proc';
import type { Supervisor } from './supervisor';
import { demoVmInput, makeHarness, waitForText, type Harness } from './testing/harness';

const isRoot = process.getuid?.() === 0;
const CAP = 512 * 1024;
const actor = { actor: 'tester', remote: null };

describe.skipIf(!isRoot)('a full disk under the data directory (8 MiB tmpfs; needs root to mount)', () => {
  let mnt: string;
  let h: Harness;
  let sup: Supervisor;
  let server: ConsoleServer;
  const filler = () => path.join(mnt, 'filler');

  /** Fills the file system but for about `leave` bytes. */
  function fill(leave: number): void {
    const { bavail, bsize } = fs.statfsSync(mnt);
    const current = fs.existsSync(filler()) ? fs.statSync(filler()).size : 0;
    fs.writeFileSync(filler(), Buffer.alloc(Math.max(0, current + bavail * bsize - leave)));
  }

  beforeAll(async () => {
    mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-diskfull-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mnt]);
    h = await makeHarness(path.join(mnt, 'data'), { hub: { capBytes: CAP, retryMs: 200 } });
    sup = h.supervisor();
    sup.repo.create({ ...demoVmInput(h.guest, 'demo'), devices: ['0005:01:00.0', '0005:01:00.1'] });
    server = await startConsoleServer(h.dataDir, { service: h.consoles });
  });

  afterAll(async () => {
    for (const s of sup?.list() ?? []) if (s.pid) await sup.forceStop(s.name, actor).catch(() => undefined);
    await server?.close();
    await h?.cleanup();
    execFileSync('umount', [mnt]);
    fs.rmdirSync(mnt);
  });

  it('tells viewers, keeps live output flowing, marks the gap, caps the history; a QEMU killed meanwhile leaves nothing stale', async () => {
    await sup.start('demo', actor);
    const { consoleLog } = vmPaths(h.dataDir, 'demo');
    await waitForText(consoleLog, 'root@demo:/# ', 60_000);
    const viewer = await connectTerminal(server.wsUrl('demo'), server.cookie('admin'));
    await viewer.waitControl('history-end');

    // the guest floods its console until the disk is full
    fill(64 * 1024);
    const from = viewer.received().length;
    viewer.type('yes 0123456789abcdefghijklmnopqrstuvwxyz | head -n 4000; echo flood-$((40+2))\r');
    await viewer.waitControl('recording');
    expect(viewer.controls.find((c) => c.type === 'recording')).toEqual({ type: 'recording', ok: false, message: 'console history not being recorded: disk full' });
    await viewer.waitFor('flood-42\r\n', { from }); // live output went on
    expect(fs.readFileSync(consoleLog, 'latin1')).not.toContain('flood-42');

    // space freed: the next output is recorded again, after a line saying what is missing
    fs.rmSync(filler());
    await new Promise((r) => setTimeout(r, 300));
    viewer.type('echo back-$((6*7))\r');
    await viewer.waitFor('back-42\r\n', { from });
    await waitForText(consoleLog, 'back-42\r\n', 5_000);
    const recordingStates = viewer.controls.filter((c) => c.type === 'recording');
    expect(recordingStates.at(-1)).toEqual({ type: 'recording', ok: true });
    const onDisk = Buffer.concat([`${consoleLog}.1`, consoleLog].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f))).toString('latin1');
    expect(onDisk).toMatch(/\[jetvm: \d+ bytes of console output were not recorded from \S+ to \S+ \(disk full\)\]\r\n/);
    expect(onDisk.length).toBeLessThanOrEqual(CAP + 64 * 1024);

    // full again, and QEMU dies: the claims and the run row go once they can be written
    fill(0);
    const pid = sup.status('demo').pid!;
    process.kill(pid, 'SIGKILL');
    for (let i = 0; sup.status('demo').state !== 'crashed' && i < 100; i++) await new Promise((r) => setTimeout(r, 50));
    expect(sup.status('demo').state).toBe('crashed');
    expect(pidAlive(pid)).toBe(false);
    await new Promise((r) => setTimeout(r, 300));
    fs.rmSync(filler());
    for (let i = 0; currentClaims(h.db).size > 0 && i < 100; i++) await new Promise((r) => setTimeout(r, 100));
    expect(currentClaims(h.db).size).toBe(0);
    expect(h.db.prepare('SELECT COUNT(*) FROM vm_runs').pluck().get()).toBe(0);
    const run = vmPaths(h.dataDir, 'demo');
    expect([run.pidFile, run.serialSocket, run.qmpSocket].filter((f) => fs.existsSync(f))).toEqual([]);
    viewer.close();
  });
});
