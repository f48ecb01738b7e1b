// DeviceOwnership against the simulated kernel (seeded from the kernel rig's snapshot) and a real SQLite
// file: the host lock orders passthrough changes and VM starts, so a start meets a group before or after a
// release, never half-way (the real demo guest boots under QEMU for the start that wins); the on-stop
// policy gives devices back ("return", one release per IOMMU group) or leaves them ("keep").
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../db';
import { listAudit } from '../db/audit';
import type { Host } from '../host/host';
import type { HostSnapshot } from '../host/types';
import type { ApplyEvent } from '../passthrough/apply';
import { PassthroughRefusedError } from '../passthrough/errors';
import { PassthroughService, type Actor } from '../passthrough/service';
import { faultyHost } from '../passthrough/testing/faulty-host';
import { simHostFromFixture, type TreeHost } from '../passthrough/testing/sim-host';
import { jetsonCaps, probeCaps } from '../vm/caps';
import { pidAlive } from '../vm/proc';
import { VmRepo } from '../vm/repo';
import { claimDevices } from '../vm/run-store';
import { StartRefusedError, Supervisor } from '../vm/supervisor';
import { demoGuest } from '../vm/testing/harness';
import type { StopPolicy } from '../vm/types';
import { asPciAddress } from '../../common/pci-address';
import { ChangeBus } from '../events';
import { DeviceOwnership } from './ownership';

const admin: Actor = { actor: 'admin', remote: '192.0.2.7' };
const GPU = ['0000:03:00.0', '0000:03:00.1'].map(asPciAddress);
const NIC = '0000:01:00.0';

let dir: string;
let db: Db;
let host: TreeHost;

/** The ownership and a passthrough service sharing its lock and claims, as the dashboard builds them. */
function owned(h: Host = host) {
  const devices: DeviceOwnership = new DeviceOwnership({ db, scan: () => h.scan(), returnToHost: (actor, address) => passthrough.release(actor, address) });
  const passthrough = new PassthroughService({ host: h, db, qemuBinary: 'qemu-system-aarch64', vmClaims: () => devices.byVm(), lock: devices, events: new ChangeBus() });
  return { devices, passthrough };
}

const driversIn = (s: HostSnapshot, addresses: readonly string[]) => addresses.map((a) => s.devices.find((d) => d.address === a)?.driver ?? null);
const drivers = () => Object.fromEntries(host.scan().devices.filter((d) => [...GPU, NIC].includes(d.address)).map((d) => [d.address, d.driver]));
const releases = () => listAudit(db).filter((r) => r.action === 'passthrough.release');

/** What the supervisor hands over once the VM's QEMU is gone (its claims already dropped). */
const stopped = (policy: StopPolicy, devices: string[]) => ({ vm: 'gpu-vm', policy, devices, actor: admin });

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-ownership-'));
  db = openDb(dir);
  host = simHostFromFixture('gpu');
});
afterEach(() => {
  db.close();
  host.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function passThrough(passthrough: PassthroughService, ...addresses: string[]) {
  for (const a of addresses) expect((await passthrough.apply(admin, a)).ok).toBe(true);
}

describe('the host lock', () => {
  it('two passthrough changes at once: the second is planned and written after the first is done', async () => {
    const { passthrough } = owned();
    const log: string[] = [];
    const first = passthrough.apply(admin, GPU[0], { onEvent: (e) => log.push(`a:${e.type}`) });
    const second = passthrough.release(admin, GPU[0], { onEvent: (e) => log.push(`b:${e.type}`) });
    const [a, b] = await Promise.all([first, second]);
    expect(a.ok && b.ok).toBe(true);
    expect(log.indexOf('a:done')).toBeLessThan(log.indexOf('b:start'));
    expect(drivers()).toMatchObject({ [GPU[0]]: 'bochs-drm', [GPU[1]]: 'snd_hda_intel' });
  });

  describe('a release and a VM start racing', () => {
    const guest = demoGuest();
    let seen: Array<Array<string | null>>;
    let sup: Supervisor;
    let devices: DeviceOwnership;
    let passthrough: PassthroughService;

    beforeEach(async () => {
      ({ devices, passthrough } = owned());
      new VmRepo(db, [guest.dir]).create({ name: 'gpu-vm', kernel: guest.kernel, initrd: guest.initrd, memoryMiB: 256, vcpus: 1, cmdline: 'console=ttyAMA0 panic=-1', devices: GPU, accel: 'tcg', onStop: 'return' });
      // what the start's checks were made from: the GPU's two functions as that scan saw them
      seen = [];
      const scan = () => {
        const s = host.scan();
        seen.push(driversIn(s, GPU));
        return s;
      };
      const caps = await probeCaps(process.env.JETVM_QEMU || 'qemu-system-aarch64');
      sup = new Supervisor({ db, dataDir: dir, imageDirs: [guest.dir], caps, jetsonCaps: jetsonCaps(caps, host), scan, sim: true, events: new ChangeBus(), devices });
      await passThrough(passthrough, GPU[0]);
      expect(drivers()).toMatchObject({ [GPU[0]]: 'vfio-pci', [GPU[1]]: 'vfio-pci' });
    });

    it('a start asked for half-way through a release waits for it, then sees the group back on its host drivers and is refused', async () => {
      let start: Promise<unknown> | undefined;
      const onEvent = (e: ApplyEvent) => {
        // after the release's first sysfs write: one function is off vfio-pci, the other still on it
        if (e.type === 'write' && !start) start = sup.start('gpu-vm', admin).catch((err: Error) => err);
      };
      const released = await passthrough.release(admin, GPU[0], { onEvent });
      const refused = await start;
      expect(released.ok).toBe(true);
      expect(refused).toBeInstanceOf(StartRefusedError);
      expect((refused as StartRefusedError).checks.filter((c) => c.code === 'not-on-vfio').map((c) => c.subject)).toEqual(GPU);
      expect(seen).toEqual([['bochs-drm', 'snd_hda_intel']]);
      expect(devices.byVm()).toEqual([]);
      expect(sup.status('gpu-vm')).toMatchObject({ state: 'stopped', pid: null });
    });

    it('a release asked for while a start checks and claims waits for the claim and is refused; the stop policy returns the group after the VM ends', async () => {
      const starting = sup.start('gpu-vm', admin);
      const release = passthrough.release(admin, GPU[0]).catch((err: Error) => err);
      const started = await starting;
      expect(started).toMatchObject({ state: 'running', sim: true });
      const refused = await release;
      expect(refused).toBeInstanceOf(PassthroughRefusedError);
      expect((refused as Error).message).toMatch(/The running VM "gpu-vm" uses 0000:03:00\.[01]/);
      expect(seen).toEqual([['vfio-pci', 'vfio-pci']]);
      expect(drivers()).toMatchObject({ [GPU[0]]: 'vfio-pci', [GPU[1]]: 'vfio-pci' });
      expect(devices.byVm()).toEqual([{ vm: 'gpu-vm', devices: GPU }]);

      expect(await sup.forceStop('gpu-vm', admin)).toMatchObject({ state: 'stopped' });
      expect(pidAlive(started.pid!)).toBe(false);
      expect(devices.byVm()).toEqual([]);
      // onStop "return": released by the system once the QEMU was gone, through the same lock
      expect(drivers()).toMatchObject({ [GPU[0]]: 'bochs-drm', [GPU[1]]: 'snd_hda_intel' });
      expect(releases().map((r) => [r.target, r.result, r.actor])).toEqual([[GPU[0], 'ok', 'system'], [GPU[0], 'refused', 'admin']]);
    });
  });
});

describe('the stop policy', () => {
  it('precondition: the rig tree has the GPU (two functions) and the NIC on host drivers, in different groups', () => {
    const s = host.scan();
    const group = (a: string) => s.devices.find((d) => d.address === a)?.iommuGroup;
    expect(drivers()).toEqual({ [NIC]: 'e1000e', [GPU[0]]: 'bochs-drm', [GPU[1]]: 'snd_hda_intel' });
    expect(group(GPU[0])).toBe(group(GPU[1]));
    expect(group(NIC)).not.toBe(group(GPU[0]));
  });

  it('"return": every device goes back to its host driver, one release per IOMMU group', async () => {
    const { devices, passthrough } = owned();
    const before = drivers();
    await passThrough(passthrough, GPU[0], NIC);
    expect(drivers()).toEqual({ [NIC]: 'vfio-pci', [GPU[0]]: 'vfio-pci', [GPU[1]]: 'vfio-pci' });

    await devices.applyStopPolicy(stopped('return', [...GPU, NIC]));

    expect(drivers()).toEqual(before);
    expect(host.scan().vfio.groupNodes).toEqual([]);
    expect(releases().map((r) => [r.target, r.result, r.actor])).toEqual([
      [NIC, 'ok', 'admin'],
      [GPU[0], 'ok', 'admin'],
    ]);
  });

  it('"keep": the devices stay on vfio-pci and nothing is written', async () => {
    await passThrough(owned().passthrough, GPU[0]);
    const writes: string[] = [];
    const watched: Host = { ...host, scan: () => host.scan(), write: (p, v) => (writes.push(p), host.write(p, v)) };

    await owned(watched).devices.applyStopPolicy(stopped('keep', GPU));

    expect(writes).toEqual([]);
    expect(drivers()).toMatchObject({ [GPU[0]]: 'vfio-pci', [GPU[1]]: 'vfio-pci' });
    expect(releases()).toEqual([]);
  });

  it('a release the kernel fails throws with the path and the kernel\'s error, after rolling back', async () => {
    await passThrough(owned().passthrough, GPU[0]);
    const failing = faultyHost(host, 1, 'errno', 'EBUSY');

    await expect(owned(failing).devices.applyStopPolicy(stopped('return', GPU))).rejects.toThrow(
      /returning devices to the host failed: 0000:03:00\.0: sys\/bus\/pci\/drivers\/vfio-pci\/unbind ← "0000:03:00\.0": EBUSY/,
    );
    // the failed first write touched nothing, so the group is still whole on vfio-pci
    expect(drivers()).toMatchObject({ [GPU[0]]: 'vfio-pci', [GPU[1]]: 'vfio-pci' });
    expect(releases().map((r) => r.result)).toEqual(['error']);
  });

  it('a refused release (another running VM still holds the group) throws with the refusal', async () => {
    const { devices, passthrough } = owned();
    await passThrough(passthrough, GPU[0]);
    const kernel = path.join(dir, 'Image');
    fs.writeFileSync(kernel, 'k');
    new VmRepo(db, [dir]).create({ name: 'other-vm', kernel, memoryMiB: 256, vcpus: 1 });
    expect(claimDevices(db, 'other-vm', [GPU[1]])).toEqual([]);

    await expect(devices.applyStopPolicy(stopped('return', GPU))).rejects.toThrow(/0000:03:00\.0: The running VM "other-vm" uses 0000:03:00\.1/);
    expect(drivers()).toMatchObject({ [GPU[0]]: 'vfio-pci', [GPU[1]]: 'vfio-pci' });
    expect(releases().map((r) => r.result)).toEqual(['refused']);
  });
});
