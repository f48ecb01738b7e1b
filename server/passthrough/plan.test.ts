import { describe, expect, it } from 'vitest';
import { planPassthrough, planRelease } from './plan';
import { hostSnapshot, orinOverlaySpec, orinStockSpec, rigGpuSpec, type SnapshotSpec } from './testing/snapshots';
import { emptyContext, type PlanContext, type RefusalCode } from './types';
import { asPciAddress } from '../../common/pci-address';

const w = (path: string, value: string) => ({ path, value });
const dev = (a: string, f: string) => `sys/bus/pci/devices/${a}/${f}`;
const PROBE = 'sys/bus/pci/drivers_probe';

function withDevices(spec: SnapshotSpec, change: (d: SnapshotSpec['devices'][number]) => void): SnapshotSpec {
  const copy = structuredClone(spec);
  copy.devices.forEach(change);
  return copy;
}

describe('planPassthrough: the writes', () => {
  const cases: Array<{ name: string; spec: SnapshotSpec; target: string; writes: Array<{ path: string; value: string }>; endpoints: string[]; bridges: string[] }> = [
    {
      name: 'rig GPU: both functions, libvirt sequence each, root port untouched',
      spec: rigGpuSpec(),
      target: '0000:03:00.1',
      endpoints: ['0000:03:00.0', '0000:03:00.1'],
      bridges: ['0000:00:05.0'],
      writes: [
        w(dev('0000:03:00.0', 'driver_override'), 'vfio-pci'),
        w(dev('0000:03:00.0', 'driver/unbind'), '0000:03:00.0'),
        w(PROBE, '0000:03:00.0'),
        w(dev('0000:03:00.1', 'driver_override'), 'vfio-pci'),
        w(dev('0000:03:00.1', 'driver/unbind'), '0000:03:00.1'),
        w(PROBE, '0000:03:00.1'),
      ],
    },
    {
      name: 'an endpoint already on vfio-pci gets no writes',
      spec: withDevices(rigGpuSpec(), (d) => {
        if (d.address === '0000:03:00.0') Object.assign(d, { driver: 'vfio-pci', override: 'vfio-pci' });
      }),
      target: '0000:03:00.0',
      endpoints: ['0000:03:00.0', '0000:03:00.1'],
      bridges: ['0000:00:05.0'],
      writes: [w(dev('0000:03:00.1', 'driver_override'), 'vfio-pci'), w(dev('0000:03:00.1', 'driver/unbind'), '0000:03:00.1'), w(PROBE, '0000:03:00.1')],
    },
    {
      name: 'an unbound, group-less function of the slot joins the plan without an unbind',
      spec: withDevices(rigGpuSpec(), (d) => {
        if (d.address === '0000:03:00.1') Object.assign(d, { driver: null, group: null });
      }),
      target: '0000:03:00.0',
      endpoints: ['0000:03:00.0', '0000:03:00.1'],
      bridges: ['0000:00:05.0'],
      writes: [
        w(dev('0000:03:00.0', 'driver_override'), 'vfio-pci'),
        w(dev('0000:03:00.0', 'driver/unbind'), '0000:03:00.0'),
        w(PROBE, '0000:03:00.0'),
        w(dev('0000:03:00.1', 'driver_override'), 'vfio-pci'),
        w(PROBE, '0000:03:00.1'),
      ],
    },
    {
      name: 'a group-less target is found through its root port',
      spec: withDevices(rigGpuSpec(), (d) => {
        if (d.address.startsWith('0000:03:')) Object.assign(d, { driver: null, group: null });
      }),
      target: '0000:03:00.1',
      endpoints: ['0000:03:00.0', '0000:03:00.1'],
      bridges: ['0000:00:05.0'],
      writes: [w(dev('0000:03:00.0', 'driver_override'), 'vfio-pci'), w(PROBE, '0000:03:00.0'), w(dev('0000:03:00.1', 'driver_override'), 'vfio-pci'), w(PROBE, '0000:03:00.1')],
    },
    {
      name: 'Orin after the overlay: the x8 card and its audio function',
      spec: orinOverlaySpec(),
      target: '0005:01:00.0',
      endpoints: ['0005:01:00.0', '0005:01:00.1'],
      bridges: ['0005:00:00.0'],
      writes: [
        w(dev('0005:01:00.0', 'driver_override'), 'vfio-pci'),
        w(dev('0005:01:00.0', 'driver/unbind'), '0005:01:00.0'),
        w(PROBE, '0005:01:00.0'),
        w(dev('0005:01:00.1', 'driver_override'), 'vfio-pci'),
        w(dev('0005:01:00.1', 'driver/unbind'), '0005:01:00.1'),
        w(PROBE, '0005:01:00.1'),
      ],
    },
  ];
  it.each(cases)('$name', ({ spec, target, writes, endpoints, bridges }) => {
    const plan = planPassthrough(hostSnapshot(spec), target, emptyContext);
    expect(plan.refusals).toEqual([]);
    expect(plan.writes.map(({ path, value }) => ({ path, value }))).toEqual(writes);
    expect(plan.endpoints).toEqual(endpoints);
    expect(plan.bridges).toEqual(bridges);
    expect(plan.writes.some((x) => bridges.some((b) => x.path.includes(b) || x.value === b))).toBe(false);
    expect(plan.expected.endpoints.every((e) => e.driver === 'vfio-pci')).toBe(true);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it('records the original driver and override of every endpoint, and expects /dev/vfio/<group>', () => {
    const plan = planPassthrough(hostSnapshot(rigGpuSpec()), '0000:03:00.0', emptyContext);
    expect(plan.originals).toEqual([
      { address: '0000:03:00.0', driver: 'bochs-drm', driverOverride: null },
      { address: '0000:03:00.1', driver: 'snd_hda_intel', driverOverride: null },
    ]);
    expect(plan.group).toBe(2);
    expect(plan.expected.vfioNode).toEqual({ group: 2, present: true });
  });

  it('accepts upper case and surrounding blanks, and plans for the canonical address', () => {
    expect(planPassthrough(hostSnapshot(rigGpuSpec()), ' 0000:03:00.0 ', emptyContext).target).toBe('0000:03:00.0');
    expect(planPassthrough(hostSnapshot(orinOverlaySpec()), '0005:01:00.0'.toUpperCase(), emptyContext).refusals).toEqual([]);
  });
});

describe('planPassthrough: refusals, before any write', () => {
  const running: PlanContext = { vmClaims: [{ vm: 'gpu-vm', devices: [asPciAddress('0000:03:00.1')] }], dashboardInterfaces: [] };
  const cases: Array<{ name: string; spec: SnapshotSpec; target: string; ctx?: PlanContext; codes: RefusalCode[]; text?: RegExp }> = [
    { name: 'malformed address', spec: rigGpuSpec(), target: '03:00.0', codes: ['bad-address'] },
    { name: 'bad function number', spec: rigGpuSpec(), target: '0000:03:00.8', codes: ['bad-address'] },
    { name: 'shell metacharacters', spec: rigGpuSpec(), target: '0000:03:00.0; rm -rf /', codes: ['bad-address'] },
    { name: 'unknown device', spec: rigGpuSpec(), target: '0000:09:00.0', codes: ['unknown-device'] },
    { name: 'a bridge as the target', spec: rigGpuSpec(), target: '0000:00:05.0', codes: ['target-is-bridge'] },
    { name: 'a running VM holds a function of the group', spec: rigGpuSpec(), target: '0000:03:00.0', ctx: running, codes: ['in-use-by-vm'], text: /gpu-vm/ },
    { name: 'NVMe with the root filesystem (Orin)', spec: orinOverlaySpec(), target: '0004:01:00.0', codes: ['platform-in-group', 'host-critical-mount'], text: /nvme0n1p1 mounted on \// },
    {
      name: 'NVMe with a mounted data filesystem',
      spec: { ...rigGpuSpec(), mounts: [{ source: '/dev/nvme0n1p2', target: '/data', fstype: 'ext4' }] },
      target: '0000:02:00.0',
      codes: ['host-critical-mount'],
      text: /Unmount \/data/,
    },
    { name: 'a NIC with the default route', spec: { ...rigGpuSpec(), defaultRouteInterfaces: ['eth0'] }, target: '0000:01:00.0', codes: ['host-critical-network'], text: /default route/ },
    {
      name: 'a NIC the dashboard is served on',
      spec: rigGpuSpec(),
      target: '0000:01:00.0',
      ctx: { vmClaims: [], dashboardInterfaces: ['eth0'] },
      codes: ['host-critical-network'],
      text: /this dashboard/,
    },
    { name: 'stock Orin x8 slot: the controller is in the group', spec: orinStockSpec(), target: '0005:01:00.0', codes: ['platform-in-group'], text: /C5 \(141a0000\.pcie\)/ },
    { name: 'stock Orin Wi-Fi', spec: orinStockSpec(), target: '0001:01:00.0', codes: ['platform-in-group'], text: /14100000\.pcie/ },
    { name: 'vfio-pci not loaded', spec: { ...rigGpuSpec(), vfioPciDriver: false }, target: '0000:03:00.0', codes: ['vfio-pci-missing'] },
    {
      name: 'no IOMMU at all',
      spec: withDevices(rigGpuSpec(), (d) => Object.assign(d, { group: null })),
      target: '0000:03:00.0',
      codes: ['no-iommu-group'],
    },
  ];
  it.each(cases)('$name', ({ spec, target, ctx, codes, text }) => {
    const plan = planPassthrough(hostSnapshot(spec), target, ctx ?? emptyContext);
    expect(plan.refusals.map((r) => r.code)).toEqual(codes);
    expect(plan.writes).toEqual([]);
    for (const r of plan.refusals) expect(r.message.length).toBeGreaterThan(10);
    if (text) expect(plan.refusals.map((r) => `${r.message} ${r.fix}`).join('\n')).toMatch(text);
  });

  it('names the controller the overlay must take out (its node comes from the booted tree, not from here)', () => {
    const plan = planPassthrough(hostSnapshot(orinStockSpec()), '0005:01:00.1', emptyContext);
    expect(plan.refusals[0].overlay).toEqual({ platformDevice: '141a0000.pcie', controller: 'C5' });
    expect(plan.refusals[0].fix).toMatch(/empties `iommus` on 141a0000\.pcie's node/);
    expect(plan.platformMembers).toEqual(['141a0000.pcie']);
  });

  it('takes the controller ids from the board model when given one', () => {
    const controllers = [{ id: 'X', platformDevice: '141a0000.pcie', domain: 5, lanes: 8, source: 'test' }];
    const plan = planPassthrough(hostSnapshot(orinStockSpec()), '0005:01:00.0', emptyContext, { controllers });
    expect(plan.refusals[0].overlay?.controller).toBe('X');
  });
});

describe('planRelease', () => {
  const bound = withDevices(rigGpuSpec(), (d) => {
    if (d.address.startsWith('0000:03:')) Object.assign(d, { driver: 'vfio-pci', override: 'vfio-pci' });
  });
  const boundSpec = { ...bound, vfioNodes: [2] };

  it('unbinds from vfio-pci, clears the override and probes, for every endpoint', () => {
    const plan = planRelease(hostSnapshot(boundSpec), '0000:03:00.0', emptyContext);
    expect(plan.refusals).toEqual([]);
    expect(plan.writes.map(({ path, value }) => ({ path, value }))).toEqual([
      w('sys/bus/pci/drivers/vfio-pci/unbind', '0000:03:00.0'),
      w(dev('0000:03:00.0', 'driver_override'), ''),
      w(PROBE, '0000:03:00.0'),
      w('sys/bus/pci/drivers/vfio-pci/unbind', '0000:03:00.1'),
      w(dev('0000:03:00.1', 'driver_override'), ''),
      w(PROBE, '0000:03:00.1'),
    ]);
    expect(plan.expected.endpoints.map((e) => e.rule)).toEqual(['not-vfio', 'not-vfio']);
    expect(plan.expected.vfioNode).toEqual({ group: 2, present: false });
  });

  it('expects the recorded original drivers, and does not probe one that had none', () => {
    const ctx: PlanContext = {
      ...emptyContext,
      recordedOriginals: [
        { address: asPciAddress('0000:03:00.0'), driver: 'bochs-drm', driverOverride: null },
        { address: asPciAddress('0000:03:00.1'), driver: null, driverOverride: null },
      ],
    };
    const plan = planRelease(hostSnapshot(boundSpec), '0000:03:00.0', ctx);
    expect(plan.writes.filter((x) => x.path === PROBE).map((x) => x.value)).toEqual(['0000:03:00.0']);
    expect(plan.expected.endpoints).toEqual([
      { address: '0000:03:00.0', rule: 'exact', driver: 'bochs-drm' },
      { address: '0000:03:00.1', rule: 'exact', driver: null },
    ]);
  });

  it('is refused while a running VM uses the group', () => {
    const plan = planRelease(hostSnapshot(boundSpec), asPciAddress('0000:03:00.0'), { vmClaims: [{ vm: 'g', devices: [asPciAddress('0000:03:00.0')] }], dashboardInterfaces: [] });
    expect(plan.refusals.map((r) => r.code)).toEqual(['in-use-by-vm']);
    expect(plan.writes).toEqual([]);
  });

  it('has nothing to do for a group on its host drivers', () => {
    const plan = planRelease(hostSnapshot(rigGpuSpec()), '0000:03:00.0', emptyContext);
    expect(plan.writes).toEqual([]);
    expect(plan.notes.join()).toMatch(/nothing to give back/);
  });

  it('refuses malformed addresses and bridges', () => {
    expect(planRelease(hostSnapshot(boundSpec), 'zz', emptyContext).refusals[0].code).toBe('bad-address');
    expect(planRelease(hostSnapshot(boundSpec), '0000:00:05.0', emptyContext).refusals[0].code).toBe('target-is-bridge');
  });
});
