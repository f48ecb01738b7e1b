import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../db';
import { listAudit } from '../db/audit';
import { openSimHost } from '../host';
import type { Host } from '../host/host';
import type { ApplyEvent } from './apply';
import { BootConfigService } from './boot-service';
import { PassthroughRefusedError, StalePlanError } from './errors';
import { ProgressHub } from './progress';
import { PassthroughService, type Actor } from './service';
import { loadOriginals } from './store';
import type { VmClaim } from './types';
import { asPciAddress } from '../../common/pci-address';
import { ChangeBus } from '../events';
import { DeviceOwnership } from '../devices/ownership';
import { ORIN_CMDLINE } from '../host/sim/orin-proc';

const admin: Actor = { actor: 'admin', remote: '192.0.2.7' };
const GPU = asPciAddress('0005:01:00.0');

let dir: string;
let db: Db;
let host: Host;
let claims: VmClaim[];
let dashboard: string[];
let svc: PassthroughService;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-pt-svc-'));
  db = openDb(dir);
  host = openSimHost(dir, 't600');
  claims = [];
  dashboard = [];
  svc = new PassthroughService({ host, db, qemuBinary: 'qemu-system-aarch64', vmClaims: () => claims, lock: new DeviceOwnership({ db, scan: () => host.scan() }), dashboardInterfaces: () => dashboard, events: new ChangeBus() });
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const drivers = () => Object.fromEntries(host.scan().devices.filter((d) => d.address.startsWith('0005:01')).map((d) => [d.address, d.driver]));
const audit = () => listAudit(db).map((r) => [r.action, r.result, r.actor]);

describe('passthrough service on the simulated Orin', () => {
  it('stock tree: refused with the overlay; the simulated reboot with it makes the x8 card passable', async () => {
    const plan = svc.plan(GPU);
    expect(plan.refusals.map((r) => r.code)).toEqual(['platform-in-group']);
    await expect(svc.apply(admin, GPU)).rejects.toBeInstanceOf(PassthroughRefusedError);
    expect(drivers()).toEqual({ '0005:01:00.0': 'nouveau', '0005:01:00.1': 'snd_hda_intel' });

    const controllers = svc.overlayControllersFor(GPU);
    expect(controllers).toEqual(['141a0000.pcie']);
    const view = await svc.overlay(controllers);
    expect(view).toMatchObject({ tree: '/sys/firmware/fdt', release: 'r36', nothingToDo: [] });
    expect(view.check).toMatchObject({ ok: true, effectChecked: true, unexpected: [] });
    expect(view.source).toContain('&{/bus@0/pcie@141a0000} {\n\tiommus = <>;\n};');

    expect(await svc.simulateOverlayReboot(admin, controllers)).toEqual({ controllers: ['141a0000.pcie'] });
    expect(svc.plan(GPU).refusals).toEqual([]);
    // the booted tree now has the overlay: nothing left to do for that controller
    expect((await svc.overlay(controllers)).nothingToDo).toEqual([expect.objectContaining({ platformDevice: '141a0000.pcie', reason: expect.stringMatching(/already has an empty/) })]);
    expect(audit()).toEqual([
      ['passthrough.overlay-reboot', 'ok', 'admin'],
      ['passthrough.apply', 'refused', 'admin'],
    ]);
  });

  it('applies the confirmed plan with progress, records the originals and audits the writes; release restores', async () => {
    await svc.simulateOverlayReboot(admin, ['141a0000.pcie']);
    const plan = svc.plan(GPU);
    expect(plan.script).toContain('echo vfio-pci > /sys/bus/pci/devices/0005:01:00.0/driver_override');

    const hub = new ProgressHub();
    const seen: ApplyEvent[] = [];
    const watching = (async () => {
      for await (const e of hub.watch('op-1')) seen.push(e);
    })();
    const outcome = await svc.apply(admin, GPU, { confirmedWrites: plan.writes, onEvent: hub.reporter('op-1') });
    await watching;
    expect(outcome.ok).toBe(true);
    expect(seen.map((e) => e.type)).toEqual(['start', ...plan.writes.map(() => 'write'), 'verify', 'done']);
    expect(drivers()).toEqual({ '0005:01:00.0': 'vfio-pci', '0005:01:00.1': 'vfio-pci' });
    expect(loadOriginals(db)).toEqual([
      { address: '0005:01:00.0', driver: 'nouveau', driverOverride: null },
      { address: '0005:01:00.1', driver: 'snd_hda_intel', driverOverride: null },
    ]);
    const row = listAudit(db)[0];
    expect(row).toMatchObject({ action: 'passthrough.apply', result: 'ok', actor: 'admin', remote: '192.0.2.7', target: GPU });
    expect((row.detail as { writes: unknown[] }).writes).toHaveLength(6);

    // a late subscriber still gets the whole story
    const replay: string[] = [];
    for await (const e of hub.watch('op-1')) replay.push(e.type);
    expect(replay.at(-1)).toBe('done');

    claims = [{ vm: 'gpu-vm', devices: [asPciAddress('0005:01:00.1')] }];
    await expect(svc.release(admin, GPU)).rejects.toThrow(/running VM "gpu-vm"/);
    claims = [];
    const released = await svc.release(admin, '0005:01:00.1');
    expect(released.ok).toBe(true);
    expect(drivers()).toEqual({ '0005:01:00.0': 'nouveau', '0005:01:00.1': 'snd_hda_intel' });
    expect(loadOriginals(db)).toEqual([]);
    expect(audit().slice(0, 2)).toEqual([
      ['passthrough.release', 'ok', 'admin'],
      ['passthrough.release', 'refused', 'admin'],
    ]);
  });

  it('refuses a plan that changed since it was shown, without writing', async () => {
    await svc.simulateOverlayReboot(admin, ['141a0000.pcie']);
    const shown = svc.plan(GPU).writes.slice(0, 3);
    await expect(svc.apply(admin, GPU, { confirmedWrites: shown })).rejects.toBeInstanceOf(StalePlanError);
    expect(drivers()['0005:01:00.0']).toBe('nouveau');
    expect(listAudit(db)[0]).toMatchObject({ action: 'passthrough.apply', result: 'refused' });
  });

  it('host-critical devices: the root NVMe, and the Wi-Fi when the dashboard is served over it', async () => {
    await svc.simulateOverlayReboot(admin, ['14100000.pcie', '141a0000.pcie']);
    expect(svc.plan('0004:01:00.0').refusals.map((r) => r.code)).toContain('host-critical-mount');
    expect(svc.plan('0001:01:00.0').refusals).toEqual([]);
    dashboard = ['wlP1p1s0'];
    expect(svc.plan('0001:01:00.0').refusals.map((r) => r.code)).toEqual(['host-critical-network']);
  });

  it('does not reboot the simulated Orin under a running VM, with a bad name, or for a controller the tree lacks', async () => {
    claims = [{ vm: 'g', devices: [GPU] }];
    await expect(svc.simulateOverlayReboot(admin, ['141a0000.pcie'])).rejects.toThrow(/Stop "g" first/);
    claims = [];
    await expect(svc.simulateOverlayReboot(admin, ['pcie_c5_rp'])).rejects.toThrow(/named like 141a0000\.pcie/);
    await expect(svc.simulateOverlayReboot(admin, ['15000000.pcie'])).rejects.toThrow(/The overlay cannot be applied: the device tree has no node for 15000000\.pcie/);
    expect(host.sim!.overlay()).toEqual([]);
    expect(host.scan().groups.some((g) => g.members.some((m) => m.name === '141a0000.pcie'))).toBe(true);
  });

  it('preflight on the simulated Orin flags allow_unsafe_interrupts, and whether the overlay took effect', async () => {
    let pf = await svc.preflight(1024 ** 3);
    expect(pf.items.find((i) => i.code === 'unsafe-interrupts')).toMatchObject({ severity: 'error' });
    expect(pf.summary).toBe('error');
    const dt = pf.items.find((i) => i.code === 'dt-overlay')!;
    expect(dt.severity).toBe('warning');
    expect(dt.message).toContain('141a0000.pcie is in group');
    expect(dt.message).toContain('the booted tree still has `iommus` on /bus@0/pcie@141a0000, so no overlay for it was applied at boot');
    expect(dt.fix).toMatch(/FDT line.*Attempting Kernel Boot/);
    // the simulated Orin's figures (server/host/sim/orin-proc.ts), not this development machine's
    expect(pf.host).toEqual({
      cpus: 12, memoryBytes: 64_335_836 * 1024, maxVcpus: 12, maxMemoryMiB: 61_803, reserveMiB: 1024, l4tRelease: expect.stringMatching(/^R36\./), kernelCmdline: ORIN_CMDLINE,
    });
    await svc.simulateOverlayReboot(admin, ['14100000.pcie', '14160000.pcie', '141a0000.pcie']);
    pf = await svc.preflight(1024 ** 3);
    expect(pf.items.find((i) => i.code === 'dt-overlay')).toMatchObject({ severity: 'ok', message: expect.stringMatching(/the overlay took effect/) });
  });
});

describe('bind at boot service', () => {
  it('writes the group into <dataDir>/boot, merges groups, and removes exactly its files', () => {
    const boot = new BootConfigService({ host, db, dataDir: dir, events: new ChangeBus() });
    expect(() => boot.root(true)).toThrow(/only possible on a real Jetson/);
    const rule = path.join(dir, 'boot/etc/udev/rules.d/60-jetvm-vfio-pci.rules');

    const added = boot.add(admin, GPU);
    expect(added.written).toContain(rule);
    expect(fs.readFileSync(rule, 'utf8')).toContain('KERNEL=="0005:01:00.1", ATTR{driver_override}="vfio-pci"');
    boot.add(admin, '0001:01:00.0');
    expect(boot.current().devices.map((d) => d.address)).toEqual(['0001:01:00.0', '0005:01:00.0', '0005:01:00.1']);

    boot.remove(admin, '0001:01:00.0');
    expect(fs.readFileSync(rule, 'utf8')).not.toContain('0001:01:00.0');
    const { removal } = boot.remove(admin);
    expect(removal.removed).toContain(rule);
    expect(fs.readdirSync(path.join(dir, 'boot/etc/udev/rules.d'))).toEqual([]);
    expect(boot.current()).toEqual({ devices: [], files: [], config: null });
    expect(audit().filter(([a]) => String(a).startsWith('passthrough.boot'))).toHaveLength(4);
  });

  it('refuses to overwrite a file edited by hand, and a malformed address', () => {
    const boot = new BootConfigService({ host, db, dataDir: dir, events: new ChangeBus() });
    const [first] = boot.add(admin, GPU).written;
    fs.appendFileSync(first, '# mine\n');
    expect(() => boot.add(admin, '0001:01:00.0')).toThrow(/changed since jetvm wrote it/);
    expect(fs.readFileSync(first, 'utf8')).toContain('# mine');
    expect(() => boot.preview('5:1:0.0')).toThrow(PassthroughRefusedError);
  });
});
