// claimRun over a real SQLite file shared by two connections (as two dashboard processes share it), and
// processIdentity against real processes.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../db';
import { claimRun, currentClaims, type RunRow } from './run-store';
import { processIdentity } from './proc';
import { VmRepo } from './repo';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-runclaim-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const start = (vm: string, owner: string) => ({ vm, runDir: `/run/${vm}`, sim: true, argv: ['qemu-system-aarch64'], startedAt: 'now', owner });
const rows = (db: ReturnType<typeof openDb>) => db.prepare('SELECT vm, pid, owner FROM vm_runs ORDER BY vm').all();

describe('claimRun', () => {
  const a = openDb(dir);
  const b = openDb(dir);
  const kernel = path.join(dir, 'Image');
  fs.writeFileSync(kernel, 'k');
  for (const name of ['one', 'two']) new VmRepo(a, [dir]).create({ name, kernel, memoryMiB: 256, vcpus: 1 });

  it('the first start takes the VM and its devices; a second one for the same VM is refused while the run is live', () => {
    expect(claimRun(a, start('one', '111:1'), ['0005:01:00.0'], () => true)).toBeNull();
    const seen: RunRow[] = [];
    const refused = claimRun(b, start('one', '222:2'), ['0005:01:00.0'], (row) => (seen.push(row), true));
    expect(refused).toEqual({ run: { vm: 'one', pid: null, owner: '111:1', started_at: 'now' } });
    expect(seen).toHaveLength(1);
    expect(rows(a)).toEqual([{ vm: 'one', pid: null, owner: '111:1' }]);
  });

  it('a start of another VM sharing a device is refused and records nothing', () => {
    expect(claimRun(b, start('two', '222:2'), ['0004:01:00.0', '0005:01:00.0'], () => false)).toEqual({ conflicts: [{ address: '0005:01:00.0', vm: 'one' }] });
    expect([...currentClaims(a)]).toEqual([['0005:01:00.0', 'one']]);
    expect(rows(a)).toEqual([{ vm: 'one', pid: null, owner: '111:1' }]);
  });

  it('a dead run (its QEMU and its process gone) is replaced by the next start', () => {
    expect(claimRun(b, start('one', '222:2'), ['0005:01:00.1'], () => false)).toBeNull();
    expect(rows(a)).toEqual([{ vm: 'one', pid: null, owner: '222:2' }]);
    expect([...currentClaims(a)]).toEqual([['0005:01:00.1', 'one']]);
  });
});

describe('processIdentity', () => {
  it('is pid:start time while the process lives, null once it is gone', async () => {
    expect(processIdentity(process.pid)).toMatch(new RegExp(`^${process.pid}:\\d+$`));
    const child = spawn('sleep', ['30']);
    const id = processIdentity(child.pid!);
    expect(id).toMatch(new RegExp(`^${child.pid}:\\d+$`));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(processIdentity(child.pid!)).toBeNull();
  });
});
