// Two real dashboard processes on one data directory (one SQLite file, one simulated Orin), driven over
// HTTP tRPC with logged-in admin sessions, booting the real demo guest under qemu-system-aarch64:
// - both start the demo VM at the same moment: exactly one QEMU runs, one set of device claims exists,
//   the other gets a clear refusal; the same for two VMs sharing the GPU, one started from each;
// - the VM's stop policy is "return": once it is stopped its devices are back on their host drivers,
//   as the simulated kernel's sysfs shows (driver links read from the tree, not from jetvm);
// - QEMU failing at launch (an initrd larger than the guest's RAM passes every check, but QEMU cannot load
//   it and exits 1): claims released, no run row, no run directory, the error in the audit log and in the
//   VM's status.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, ADMIN_PASSWORD, type TestServer } from '../../e2e/server';
import { simRoot } from '@/server/host';
import { guestBuilt, guestPaths } from '@/server/vm/guest';
import { vmPaths } from '@/server/vm/paths';
import { processArgv } from '@/server/vm/proc';
import { demoGuest } from '@/server/vm/testing/harness';
import { ApiClient } from './http-client';

const GPU = ['0005:01:00.0', '0005:01:00.1'];
const ENTRY = 'tests/integration/serve.ts';
let dataDir: string;
const servers: TestServer[] = [];
const clients: ApiClient[] = [];
let db: Database.Database;

/** pids of every QEMU running for `vm` of this data directory (found by its -pidfile in /proc) */
function qemusOf(vm: string): number[] {
  const pidFile = vmPaths(dataDir, vm).pidFile;
  return fs
    .readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      const argv = processArgv(Number(p));
      return !!argv && /qemu-system/.test(argv[0] ?? '') && argv[argv.indexOf('-pidfile') + 1] === pidFile;
    })
    .map(Number);
}

/** the host driver of a device as the (simulated) kernel's sysfs shows it: the driver link's target */
function sysfsDriver(address: string): string | null {
  const link = path.join(simRoot(dataDir), 'sys/bus/pci/devices', address, 'driver');
  return fs.existsSync(link) ? path.basename(fs.readlinkSync(link)) : null;
}

const claims = () => db.prepare('SELECT address, vm FROM vm_device_claims ORDER BY address').all();
const runs = () => db.prepare('SELECT vm, pid FROM vm_runs').all() as Array<{ vm: string; pid: number | null }>;

type AuditItem = { action: string; target: string | null; actor: string | null; result: string; detail: any };
const auditOf = async (c: ApiClient): Promise<AuditItem[]> => (await c.ok('query', 'audit.list', { limit: 200 })).items;

async function until<T>(what: string, fn: () => T, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = fn();
    if (ok(v)) return v;
    if (Date.now() - t0 > ms) throw new Error(`${what}: still ${JSON.stringify(v)} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  if (!guestBuilt()) demoGuest(); // builds it with the project script
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-2dash-'));
  // one after the other: the first creates the admin, the simulated Orin and the demo VM
  for (let i = 0; i < 2; i++) {
    const s = await startServer({ JETVM_DATA_DIR: dataDir, LOG_LEVEL: 'error' }, { entry: ENTRY });
    servers.push(s);
    const c = new ApiClient(s.url);
    expect((await c.login('admin', ADMIN_PASSWORD)).status).toBe(200);
    clients.push(c);
  }
  db = new Database(path.join(dataDir, 'jetvm.sqlite'), { readonly: true });
});

afterAll(async () => {
  db?.close();
  await Promise.all(servers.map((s) => s.stop()));
  // a stopping dashboard leaves guests running (they are re-adopted later): end this test's QEMUs by pid
  for (const vm of ['demo', 'rival', 'broken']) for (const pid of qemusOf(vm)) process.kill(pid, 'SIGKILL');
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('two dashboard processes on one data directory', () => {
  let winner: ApiClient;
  let qemuPid: number;

  it('both start the demo VM at once: one QEMU, one set of claims, the other told why not', async () => {
    const [a, b] = clients;
    expect(await a.ok('query', 'vms.get', { name: 'demo' })).toMatchObject({ vm: { devices: GPU, onStop: 'keep' } });
    await a.ok('mutate', 'vms.update', { name: 'demo', patch: { onStop: 'return' } });
    // the seed's recipe: the overlay that takes the C5 controller out of the slot's IOMMU group, then vfio-pci
    await a.ok('mutate', 'passthrough.applyOverlayAndReboot', { controllers: ['141a0000.pcie'] });
    const bound = await a.ok('mutate', 'passthrough.bind', { address: GPU[0] });
    expect(bound.ok).toBe(true);
    expect(GPU.map(sysfsDriver)).toEqual(['vfio-pci', 'vfio-pci']);

    const replies = await Promise.all([a.mutate('vms.start', { name: 'demo' }), b.mutate('vms.start', { name: 'demo' })]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
    const won = replies.findIndex((r) => r.status === 200);
    const lost = replies[1 - won];
    winner = clients[won];
    expect(lost.code).toBe('CONFLICT');
    expect(lost.message).toMatch(/^VM "demo" was not started: (another jetvm process \(pid \d+\) is starting it right now|it is already running \(QEMU pid \d+, started .+\))$/);

    qemuPid = replies[won].data.pid;
    expect(replies[won].data).toMatchObject({ name: 'demo', state: 'running', sim: true, lastError: null });
    // give a second launch time to show up if one had slipped through
    await new Promise((r) => setTimeout(r, 1500));
    expect(qemusOf('demo')).toEqual([qemuPid]);
    expect(claims()).toEqual(GPU.map((address) => ({ address, vm: 'demo' })));
    expect(runs()).toEqual([{ vm: 'demo', pid: qemuPid }]);
    const starts = (await auditOf(a)).filter((e) => e.action === 'vm.start' && e.target === 'demo');
    expect(starts.map((e) => [e.actor, e.result]).sort()).toEqual([['admin', 'ok'], ['admin', 'refused']]);

    // the loser's dashboard sees the claims too: another VM with the same GPU is refused by its checks
    await a.ok('mutate', 'vms.clone', { name: 'demo', newName: 'rival' });
    const rival = await clients[1 - won].mutate('vms.start', { name: 'rival' });
    expect([rival.status, rival.code]).toEqual([412, 'PRECONDITION_FAILED']);
    expect(rival.message).toMatch(/in use by the running VM "demo"/);
    expect(qemusOf('rival')).toEqual([]);
  });

  it('stop policy "return": after the guest stops, sysfs shows its devices back on their host drivers', async () => {
    if (!winner) throw new Error('no VM is running: the start test failed');
    const { consoleLog } = vmPaths(dataDir, 'demo');
    await until('guest prompt', () => (fs.existsSync(consoleLog) ? fs.readFileSync(consoleLog, 'latin1') : ''), (t) => t.includes('root@demo:/# '), 90_000);
    expect(GPU.map(sysfsDriver)).toEqual(['vfio-pci', 'vfio-pci']);

    const stopped = await winner.ok('mutate', 'vms.stop', { name: 'demo', timeoutSec: 1 });
    expect(stopped).toMatchObject({ state: 'stopped', pid: null });
    expect(qemusOf('demo')).toEqual([]);
    expect(await until('host drivers in sysfs', () => GPU.map(sysfsDriver), (d) => d[0] === 'nouveau' && d[1] === 'snd_hda_intel')).toEqual(['nouveau', 'snd_hda_intel']);
    for (const address of GPU) {
      expect(fs.readFileSync(path.join(simRoot(dataDir), 'sys/bus/pci/devices', address, 'driver_override'), 'utf8').trim()).toBe('(null)');
    }
    expect(claims()).toEqual([]);
    expect(runs()).toEqual([]);
  });

  it('QEMU failing at launch: claims released, no run row or run directory, the error audited and in the status', async () => {
    const [a, b] = clients;
    expect((await a.ok('mutate', 'passthrough.bind', { address: GPU[0] })).ok).toBe(true);
    // VM files come only from the image directories: <data dir>/images is one by default
    const initrd = path.join(dataDir, 'images', 'too-big-initrd.img');
    fs.mkdirSync(path.dirname(initrd), { recursive: true });
    fs.writeFileSync(initrd, '');
    fs.truncateSync(initrd, 80 * 1024 * 1024); // sparse: 80 MiB for a 64 MiB guest
    await a.ok('mutate', 'vms.create', { name: 'broken', kernel: guestPaths().kernel, initrd, memoryMiB: 64, vcpus: 1, devices: [GPU[0]], accel: 'tcg' });
    expect((await a.ok('query', 'vms.checks', { name: 'broken' })).filter((c: { severity: string }) => c.severity === 'error')).toEqual([]);

    const r = await a.mutate('vms.start', { name: 'broken' });
    expect([r.status, r.code]).toEqual([500, 'INTERNAL_SERVER_ERROR']);
    expect(r.message).toBe(`QEMU did not start (exit 1): qemu-system-aarch64: could not load initrd '${initrd}'`);

    expect(qemusOf('broken')).toEqual([]);
    expect(claims()).toEqual([]);
    expect(runs()).toEqual([]);
    expect(fs.existsSync(vmPaths(dataDir, 'broken').runDir)).toBe(false);
    expect((await a.ok('query', 'vms.get', { name: 'broken' })).status).toMatchObject({ state: 'stopped', pid: null, lastError: r.message });
    const entry = (await auditOf(a)).find((e) => e.action === 'vm.start' && e.target === 'broken');
    expect(entry).toMatchObject({ actor: 'admin', result: 'error', detail: { error: r.message } });
    expect(entry!.detail.argv).toEqual(expect.arrayContaining(['-initrd', initrd, '-m', '64']));

    // nothing holds the GPU: the other dashboard's checks see no claim, and it can be given back to the host
    expect((await b.ok('query', 'vms.checks', { name: 'demo' })).map((c: { code: string }) => c.code)).not.toContain('claimed');
    expect((await b.ok('mutate', 'passthrough.release', { address: GPU[0] })).ok).toBe(true);
    expect(GPU.map(sysfsDriver)).toEqual(['nouveau', 'snd_hda_intel']);
  });

  it('two VMs sharing the GPU started at once from the two dashboards: one runs, the other is told which VM holds it', async () => {
    const [a, b] = clients;
    expect((await a.ok('mutate', 'passthrough.bind', { address: GPU[0] })).ok).toBe(true);
    const names = ['demo', 'rival'];
    const replies = await Promise.all([a.mutate('vms.start', { name: 'demo' }), b.mutate('vms.start', { name: 'rival' })]);
    const won = replies.findIndex((r) => r.status === 200);
    expect(won).toBeGreaterThanOrEqual(0);
    const lost = replies[1 - won];
    // refused by the claim transaction, or by the checks when the winner's claim was already there
    expect([[409, 'CONFLICT'], [412, 'PRECONDITION_FAILED']]).toContainEqual([lost.status, lost.code]);
    expect(lost.message).toMatch(new RegExp(`^VM "${names[1 - won]}" was not started: .*in use by the running VM "${names[won]}"`));
    const pid = replies[won].data.pid;
    expect([...qemusOf('demo'), ...qemusOf('rival')]).toEqual([pid]);
    expect(claims()).toEqual(GPU.map((address) => ({ address, vm: names[won] })));
    expect(runs()).toEqual([{ vm: names[won], pid }]);

    expect(await clients[won].ok('mutate', 'vms.forceStop', { name: names[won] })).toMatchObject({ state: 'stopped' });
    expect(qemusOf(names[won])).toEqual([]);
    expect(claims()).toEqual([]);
  });
});
