import { describe, expect, it } from 'vitest';
import { hostSnapshot, orinOverlaySpec, orinStockSpec, rigGpuSpec, type SnapshotSpec } from '../passthrough/testing/snapshots';
import { emptyContext, type PlanContext } from '../passthrough/types';
import { groupVerdict } from './group-verdict';
import { asPciAddress } from '../../common/pci-address';

function verdictFor(spec: SnapshotSpec, groupId: number, ctx: PlanContext = emptyContext) {
  const snap = hostSnapshot(spec);
  const group = snap.groups.find((g) => g.id === groupId);
  if (!group) throw new Error(`no group ${groupId}`);
  return groupVerdict(snap, group, ctx);
}

function withDriver(spec: SnapshotSpec, drivers: Record<string, string | null>): SnapshotSpec {
  return { ...spec, devices: spec.devices.map((d) => (d.address in drivers ? { ...d, driver: drivers[d.address] } : d)) };
}

describe('groupVerdict', () => {
  it.each([
    // spec, group, kind, tone, text
    ['stock Orin, x8 slot', orinStockSpec(), 9, 'not-viable', 'bad', 'not viable: the platform controller 141a0000.pcie (tegra194-pcie) shares this group — take it out with the device-tree overlay'],
    ['stock Orin, Wi-Fi slot', orinStockSpec(), 5, 'not-viable', 'bad', 'not viable: the platform controller 14100000.pcie (tegra194-pcie) shares this group — take it out with the device-tree overlay'],
    ['stock Orin, NVMe slot', orinStockSpec(), 8, 'host-critical', 'bad', 'host-critical: holds the root filesystem (/dev/nvme0n1p1)'],
    ['overlay applied, x8 slot', orinOverlaySpec(), 9, 'ready', 'ok', 'ready to pass through: bridges stay on pcieport'],
    ['rig gpu group', rigGpuSpec(), 2, 'ready', 'ok', 'ready to pass through: bridges stay on pcieport'],
    ['both functions on vfio-pci', withDriver(orinOverlaySpec(), { '0005:01:00.0': 'vfio-pci', '0005:01:00.1': 'vfio-pci' }), 9, 'viable', 'ok', 'viable: every endpoint is on vfio-pci; bridges stay on pcieport'],
    ['audio left behind', withDriver(orinOverlaySpec(), { '0005:01:00.0': 'vfio-pci' }), 9, 'half-bound', 'warn', 'not viable yet: 0005:01:00.1 is still on snd_hda_intel — pass the whole group to vfio-pci'],
  ] as const)('%s → %s', (_name, spec, id, kind, tone, text) => {
    const v = verdictFor(spec, id);
    expect(v.kind).toBe(kind);
    expect(v.tone).toBe(tone);
    expect(v.text).toBe(text);
  });

  it('keeps the second finding of the NVMe group: the controller shares it too', () => {
    const v = verdictFor(orinStockSpec(), 8);
    expect(v.details).toEqual(['not viable: the platform controller 14160000.pcie (tegra194-pcie) shares this group — take it out with the device-tree overlay']);
  });

  it('says which VM holds the group', () => {
    const v = verdictFor(withDriver(orinOverlaySpec(), { '0005:01:00.0': 'vfio-pci', '0005:01:00.1': 'vfio-pci' }), 9, {
      ...emptyContext,
      vmClaims: [{ vm: 'desk', devices: [asPciAddress('0005:01:00.0'), asPciAddress('0005:01:00.1')] }],
    });
    expect(v.kind).toBe('in-use');
    expect(v.text).toContain('"desk"');
    expect(v.details).toContain('viable: every endpoint is on vfio-pci; bridges stay on pcieport');
  });

  it('calls a NIC carrying the default route host-critical', () => {
    const v = verdictFor(rigGpuSpec(), 0, { ...emptyContext, dashboardInterfaces: ['eth0'] });
    expect(v.kind).toBe('host-critical');
    expect(v.text).toContain('eth0');
  });

  it('a group of bridges only has nothing to pass', () => {
    const v = verdictFor({ devices: [{ address: '0000:00:01.0', classCode: '060400', driver: 'pcieport', group: 3 }] }, 3);
    expect(v).toMatchObject({ kind: 'nothing-to-pass', tone: 'info' });
  });

  it('an unknown platform device gets the same overlay advice', () => {
    const v = verdictFor({ devices: [{ address: '0000:01:00.0', classCode: '020000', driver: 'igb', group: 1 }], platform: { 1: [{ kind: 'platform', name: 'fe000000.pcie', driver: null }] } }, 1);
    expect(v.text).toBe('not viable: the platform controller fe000000.pcie shares this group — take it out with the device-tree overlay');
  });
});
