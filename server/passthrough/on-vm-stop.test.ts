// The VM on-stop device policy against the simulated kernel (seeded from the kernel rig's snapshot):
// "return" gives every group back to its host drivers with one release per group, "keep" leaves them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../db';
import { listAudit } from '../db/audit';
import type { Host } from '../host/host';
import type { StopPolicy, VmDefinition } from '../vm/types';
import { devicePolicyOnStop } from './on-vm-stop';
import { PassthroughService, type Actor } from './service';
import { faultyHost } from './testing/faulty-host';
import { simHostFromFixture, type TreeHost } from './testing/sim-host';
import type { VmClaim } from './types';
import { asPciAddress } from '../../common/pci-address';
import { ChangeBus } from '../events';

const admin: Actor = { actor: 'admin', remote: '192.0.2.7' };
const GPU = ['0000:03:00.0', '0000:03:00.1'].map(asPciAddress);
const NIC = '0000:01:00.0';

let dir: string;
let db: Db;
let host: TreeHost;
let claims: VmClaim[];

const service = (h: Host) => new PassthroughService({ host: h, db, qemuBinary: 'qemu-system-aarch64', vmClaims: () => claims, events: new ChangeBus() });
const drivers = () => Object.fromEntries(host.scan().devices.filter((d) => [...GPU, NIC].includes(d.address)).map((d) => [d.address, d.driver]));
const releases = () => listAudit(db).filter((r) => r.action === 'passthrough.release');

/** What the supervisor hands the hook once the VM's QEMU is gone (its claims already dropped). */
const stopped = (policy: StopPolicy, devices: string[]) => ({
  vm: { name: 'gpu-vm', onStop: policy } as VmDefinition,
  policy,
  devices,
  reason: 'stopped' as const,
  actor: { actor: 'admin', remote: '192.0.2.7' },
});

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-on-stop-'));
  db = openDb(dir);
  host = simHostFromFixture('gpu');
  claims = [];
});
afterEach(() => {
  db.close();
  host.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function passThrough(...addresses: string[]) {
  for (const a of addresses) expect((await service(host).apply(admin, a)).ok).toBe(true);
}

describe('devicePolicyOnStop', () => {
  it('precondition: the rig tree has the GPU (two functions) and the NIC on host drivers, in different groups', () => {
    const s = host.scan();
    const group = (a: string) => s.devices.find((d) => d.address === a)?.iommuGroup;
    expect(drivers()).toEqual({ [NIC]: 'e1000e', [GPU[0]]: 'bochs-drm', [GPU[1]]: 'snd_hda_intel' });
    expect(group(GPU[0])).toBe(group(GPU[1]));
    expect(group(NIC)).not.toBe(group(GPU[0]));
  });

  it('"return": every device goes back to its host driver, one release per IOMMU group', async () => {
    const before = drivers();
    await passThrough(GPU[0], NIC);
    expect(drivers()).toEqual({ [NIC]: 'vfio-pci', [GPU[0]]: 'vfio-pci', [GPU[1]]: 'vfio-pci' });

    await devicePolicyOnStop(service(host), host)(stopped('return', [...GPU, NIC]));

    expect(drivers()).toEqual(before);
    expect(host.scan().vfio.groupNodes).toEqual([]);
    expect(releases().map((r) => [r.target, r.result, r.actor])).toEqual([
      [NIC, 'ok', 'admin'],
      [GPU[0], 'ok', 'admin'],
    ]);
  });

  it('"keep": the devices stay on vfio-pci and nothing is written', async () => {
    await passThrough(GPU[0]);
    const writes: string[] = [];
    const watched: Host = { ...host, scan: () => host.scan(), write: (p, v) => (writes.push(p), host.write(p, v)) };

    await devicePolicyOnStop(service(watched), watched)(stopped('keep', GPU));

    expect(writes).toEqual([]);
    expect(drivers()).toMatchObject({ [GPU[0]]: 'vfio-pci', [GPU[1]]: 'vfio-pci' });
    expect(releases()).toEqual([]);
  });

  it('a release the kernel fails throws with the path and the kernel\'s error, after rolling back', async () => {
    await passThrough(GPU[0]);
    const failing = faultyHost(host, 1, 'errno', 'EBUSY');

    await expect(devicePolicyOnStop(service(failing), failing)(stopped('return', GPU))).rejects.toThrow(
      /returning devices to the host failed: 0000:03:00\.0: sys\/bus\/pci\/drivers\/vfio-pci\/unbind ← "0000:03:00\.0": EBUSY/,
    );
    // the failed first write touched nothing, so the group is still whole on vfio-pci
    expect(drivers()).toMatchObject({ [GPU[0]]: 'vfio-pci', [GPU[1]]: 'vfio-pci' });
    expect(releases().map((r) => r.result)).toEqual(['error']);
  });

  it('a refused release (another running VM still holds the group) throws with the refusal', async () => {
    await passThrough(GPU[0]);
    claims = [{ vm: 'other-vm', devices: [GPU[1]] }];

    await expect(devicePolicyOnStop(service(host), host)(stopped('return', GPU))).rejects.toThrow(/0000:03:00\.0: The running VM "other-vm" uses 0000:03:00\.1/);
    expect(drivers()).toMatchObject({ [GPU[0]]: 'vfio-pci', [GPU[1]]: 'vfio-pci' });
    expect(releases().map((r) => r.result)).toEqual(['refused']);
  });
});
