// Boots the real demo guest (Debian arm64 kernel + busybox) under TCG with sim stand-ins.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../db/audit';
import { currentClaims } from './run-store';
import { vmPaths } from './paths';
import { pidAlive } from './proc';
import { StartRefusedError, type Supervisor } from './supervisor';
import type { ReturnToHost } from '../devices/ownership';
import { demoVmInput, makeHarness, typeOnConsole, waitForText, type Harness } from './testing/harness';
import { VmConflictError } from './repo';

const actor = { actor: 'tester', remote: '127.0.0.1' };
let h: Harness;
let sup: Supervisor;
/** what the "return" stop policy gave back, by whom (the harness's snapshot is no host to write to) */
const returned: Array<{ actor: string | null; address: string }> = [];
const returnToHost: ReturnToHost = async (a, address) => {
  returned.push({ actor: a.actor, address });
  return { ok: true, kind: 'release', target: address, group: null, steps: [], verification: null, failure: null, rollback: null };
};
/** one release for the GPU's IOMMU group (both functions) */
const GPU_RETURNED = { actor: 'system', address: '0005:01:00.0' };

beforeAll(async () => {
  h = await makeHarness();
  sup = h.supervisor({ returnToHost, qmpTimeoutMs: 500 });
  sup.repo.create({ ...demoVmInput(h.guest, 'demo'), onStop: 'return' });
  sup.repo.create(demoVmInput(h.guest, 'rival'));
});

afterAll(async () => {
  for (const s of sup.list()) if (s.pid) await sup.forceStop(s.name, actor).catch(() => undefined);
  await h.cleanup();
});

async function waitState(name: string, state: string, ms: number): Promise<void> {
  const t0 = Date.now();
  while (sup.status(name).state !== state) {
    if (Date.now() - t0 > ms) throw new Error(`${name} not ${state} within ${ms} ms (is ${sup.status(name).state})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Supervisor with the real demo guest (TCG, sim stand-ins)', () => {
  it('of two racing starts sharing the GPU exactly one wins; the guest boots and lists the stand-ins', async () => {
    const results = await Promise.allSettled([sup.start('demo', actor), sup.start('rival', actor)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    // refused by the checks (same process) or by the claim transaction (another process): either way, in plain words
    expect(lost.reason instanceof StartRefusedError || lost.reason instanceof VmConflictError).toBe(true);
    expect(String(lost.reason.message)).toMatch(/^VM "rival" was not started: .*in use by the running VM "demo"/);
    expect(sup.status('rival').pid).toBeNull();

    const st = sup.status('demo');
    expect(st).toMatchObject({ state: 'running', sim: true });
    expect(pidAlive(st.pid!)).toBe(true);
    expect([...currentClaims(h.db).entries()].sort()).toEqual([['0005:01:00.0', 'demo'], ['0005:01:00.1', 'demo']]);

    const { consoleLog } = vmPaths(h.dataDir, 'demo');
    // the console hub connected before the guest ran (QEMU waits for it): the history starts at the first byte
    const log = await waitForText(consoleLog, 'root@demo:/# ', 60_000);
    expect(log.startsWith('Booting Linux') || log.startsWith('[    0.000000] Booting Linux')).toBe(true);
    expect(log).toContain('Booting Linux');
    expect(log).toMatch(/pci 0000:0\d:00\.0: \[1234:1111\] type 00 class 0x038000/); // the kernel's own log: the "GPU"
    expect(log).toContain('jetvm demo guest');
    expect(log).toMatch(/ 0000:0\d:00\.0 1234:1111 038000 bochs-drm/);
    expect(log).toMatch(/ 0000:0\d:00\.1 8086:293e 040300 snd_hda_intel/);

    type QDev = { qdev_id: string; bus: number; slot: number; function: number; pci_bridge?: { devices: QDev[] } };
    const flat = (ds: QDev[]): QDev[] => ds.flatMap((d) => [d, ...flat(d.pci_bridge?.devices ?? [])]);
    const pci = await sup.query<Array<{ devices: QDev[] }>>('demo', 'query-pci');
    const labelled = flat(pci.flatMap((b) => b.devices)).filter((d) => d.qdev_id.startsWith('sim-'));
    expect(labelled.map((d) => [d.qdev_id, d.slot, d.function])).toEqual([
      ['sim-0005-01-00.0', 0, 0],
      ['sim-0005-01-00.1', 0, 1],
    ]);

    const typed = await typeOnConsole(h.consoles, 'demo', 'uname -m', /aarch64[\s\S]*root@demo:\/# /);
    expect(typed).toContain('aarch64');
  });

  it('graceful stop: busybox ignores the powerdown, so after the timeout QEMU is told to quit; claims released, stop policy applied', async () => {
    const t0 = Date.now();
    const st = await sup.stop('demo', actor, { timeoutMs: 1500 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1500);
    expect(st.state).toBe('stopped');
    expect(currentClaims(h.db).size).toBe(0);
    const entry = listAudit(h.db).find((a) => a.action === 'vm.stop');
    expect(entry).toMatchObject({ actor: 'tester', target: 'demo', result: 'ok', detail: { how: 'quit' } });
    expect(returned).toEqual([GPU_RETURNED]);
    expect(fs.existsSync(vmPaths(h.dataDir, 'demo').pidFile)).toBe(false);
    await expect(sup.stop('demo', actor)).rejects.toThrow(/is not running/);
  });

  it('restart holds the VM\'s lock from its stop to its start and keeps the devices: a second restart and every start asked for meanwhile are refused as busy; force stop ends it', async () => {
    const first = await sup.start('demo', actor);
    const returnedBefore = returned.length;
    const restarts = Promise.allSettled([sup.restart('demo', actor, { timeoutMs: 200 }), sup.restart('demo', actor, { timeoutMs: 200 })]);
    // keep asking for a start while the restarts run, the moment between the stop and the start included
    let settled = false;
    void restarts.then(() => (settled = true));
    const attempts: string[] = [];
    while (!settled) {
      attempts.push(await sup.start('demo', actor).then(() => 'started', (err: Error) => err.message));
      await new Promise((r) => setImmediate(r));
    }
    const [won, lost] = await restarts;
    expect(won.status).toBe('fulfilled');
    expect(lost).toMatchObject({ status: 'rejected', reason: { message: 'VM "demo" is busy with another start, stop or restart' } });
    expect(attempts.length).toBeGreaterThan(1);
    expect(new Set(attempts)).toEqual(new Set(['VM "demo" is busy with another start, stop or restart']));
    const second = (won as PromiseFulfilledResult<Awaited<ReturnType<Supervisor['restart']>>>).value;
    expect(second.state).toBe('running');
    expect(second.pid).not.toBe(first.pid);
    expect(pidAlive(first.pid!)).toBe(false);
    // the stop policy is "return", but a restart keeps the devices for its own start
    expect(returned.length).toBe(returnedBefore);
    const st = await sup.forceStop('demo', actor);
    expect(st.state).toBe('stopped');
    expect(pidAlive(second.pid!)).toBe(false);
    expect(listAudit(h.db).find((a) => a.action === 'vm.forceStop')).toMatchObject({ result: 'ok' });
  });

  it('a QEMU that takes QMP commands and never answers (stopped with SIGSTOP) is still stopped: each command times out, then SIGKILL; the lock is free again', async () => {
    const { pid } = await sup.start('demo', actor);
    process.kill(pid!, 'SIGSTOP');
    const st = await sup.stop('demo', actor, { timeoutMs: 300 });
    expect(st.state).toBe('stopped');
    expect(pidAlive(pid!)).toBe(false);
    expect(listAudit(h.db).find((a) => a.action === 'vm.stop')).toMatchObject({
      result: 'ok',
      detail: { how: 'kill', pid, qmp: ['QMP system_powerdown: no answer within 500 ms (QEMU is hung or stopped)', 'QMP quit: no answer within 500 ms (QEMU is hung or stopped)'] },
    });
    await expect(sup.stop('demo', actor)).rejects.toThrow(/^VM "demo" is not running$/);
    expect(currentClaims(h.db).size).toBe(0);
  });

  it('a guest that powers itself off is reported as shut down (not crashed), and its devices are released', async () => {
    const { consoleLog } = vmPaths(h.dataDir, 'demo');
    const offset = fs.statSync(consoleLog).size;
    const returnedBefore = returned.length;
    await sup.start('demo', actor);
    await waitForText(consoleLog, 'root@demo:/# ', 60_000, offset);
    h.consoles.hub('demo')!.write(Buffer.from('poweroff -f\r'));
    await waitState('demo', 'shutdown', 10_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(currentClaims(h.db).size).toBe(0);
    expect(returned.length).toBe(returnedBefore + 1);
    expect(listAudit(h.db).find((a) => a.action === 'vm.shutdown')).toMatchObject({ actor: 'system', target: 'demo', result: 'ok' });
  });

  // how soon: npm run bench:crash (beside kill -9 → waitpid of a child); here only that it is reported
  it('kill -9 of the qemu pid is reported as crashed, and its devices released', async () => {
    const { pid } = await sup.start('demo', actor);
    const returnedBefore = returned.length;
    process.kill(pid!, 'SIGKILL');
    await waitState('demo', 'crashed', 30_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(currentClaims(h.db).size).toBe(0);
    expect(returned.length).toBe(returnedBefore + 1);
    expect(listAudit(h.db).find((a) => a.action === 'vm.crash')).toMatchObject({ actor: 'system', target: 'demo', result: 'error' });
  });

  it('kill -9 of the dashboard leaves the guest running; a new Supervisor adopts it and can stop it', async () => {
    const { consoleLog } = vmPaths(h.dataDir, 'demo');
    const logOffset = fs.existsSync(consoleLog) ? fs.statSync(consoleLog).size : 0;
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'testing/dashboard-child.ts'), h.dataDir, 'demo'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve) => child.stdout.on('data', (d) => resolve(d.toString())));
    expect(line).toMatch(/^started \d+/);
    const pid = Number(line.split(' ')[1]);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(pidAlive(pid)).toBe(true);

    const fresh = h.supervisor({ returnToHost });
    const adopted = await fresh.adoptAll();
    expect(adopted).toMatchObject([{ name: 'demo', state: 'running', pid }]);
    expect(await fresh.query('demo', 'query-status')).toMatchObject({ status: 'running' });
    // the console hub reconnects (the guest's output while no dashboard ran is lost, and marked so) and appends to the same history
    await waitForText(consoleLog, 'root@demo:/# ', 60_000, logOffset);
    expect(await typeOnConsole(h.consoles, 'demo', 'echo adopted-$((6*7))', /adopted-42\r\n/, 60_000)).toContain('adopted-42');
    expect(fs.readFileSync(consoleLog, 'latin1').slice(logOffset)).toMatch(/\[jetvm: output from \S+ until \S+ was not recorded \(the dashboard was not running\)\]/);
    const st = await fresh.stop('demo', actor, { timeoutMs: 300 });
    expect(st.state).toBe('stopped');
    expect(pidAlive(pid)).toBe(false);
    expect(currentClaims(h.db).size).toBe(0);
  });

  it('adoptAll records a QEMU that died while the dashboard was away, and releases its devices', async () => {
    const p = vmPaths(h.dataDir, 'rival');
    fs.mkdirSync(p.runDir, { recursive: true });
    fs.writeFileSync(p.pidFile, `${process.pid}\n`); // a live pid that is not our QEMU
    h.db.prepare('INSERT INTO vm_runs (vm, pid, run_dir, sim, argv, started_at) VALUES (?, ?, ?, 1, ?, ?)').run('rival', process.pid, p.runDir, '[]', new Date().toISOString());
    h.db.prepare('INSERT INTO vm_device_claims (address, vm, claimed_at) VALUES (?, ?, ?)').run('0004:01:00.0', 'rival', 'x');
    const fresh = h.supervisor();
    expect(await fresh.adoptAll()).toMatchObject([{ name: 'rival', state: 'crashed', pid: null }]);
    expect(currentClaims(h.db).size).toBe(0);
    expect(h.db.prepare('SELECT COUNT(*) FROM vm_runs').pluck().get()).toBe(0);
  });

  it('refuses a start whose checks fail, and starts nothing', async () => {
    sup.repo.update('rival', { devices: ['0001:01:00.0'] });
    const err = await sup.start('rival', actor).catch((e) => e);
    expect(err).toBeInstanceOf(StartRefusedError);
    expect(err.message).toMatch(/14100000\.pcie/);
    expect(sup.status('rival')).toMatchObject({ state: 'stopped', pid: null });
    expect(listAudit(h.db)[0]).toMatchObject({ action: 'vm.start', target: 'rival', result: 'refused' });
  });
});
