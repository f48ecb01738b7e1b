// Hand-built HostSnapshots for the pure planners' tests (the scanner produces the same shape).
import { asPciAddress, pciAddressParts, pciSlotOf } from '../../../common/pci-address';
import type { GroupMember, HostSnapshot, Mount, PciDevice } from '../../host/types';

export interface DeviceSpec {
  address: string;
  vendor?: string;
  device?: string;
  classCode: string;
  driver?: string | null;
  override?: string | null;
  group?: number | null;
  rootPort?: string | null;
  blockDevices?: string[];
  netInterfaces?: string[];
}

export function pciDevice(s: DeviceSpec): PciDevice {
  const address = asPciAddress(s.address);
  const isBridge = s.classCode.startsWith('0604');
  return {
    address,
    ...pciAddressParts(address),
    vendor: { id: s.vendor ?? '1234', name: null },
    device: { id: s.device ?? '0001', name: null },
    subsystemVendor: null,
    subsystemDevice: null,
    revision: null,
    class: { code: s.classCode, className: null, subclassName: isBridge ? 'PCI bridge' : null, progIfName: null },
    isBridge,
    driver: s.driver ?? null,
    driverOverride: s.override ?? null,
    iommuGroup: s.group === undefined ? null : s.group,
    parents: [],
    rootPort: s.rootPort === undefined ? (isBridge ? address : null) : s.rootPort ? asPciAddress(s.rootPort) : null,
    siblings: [],
    bars: [],
    windows: [],
    link: null,
    blockDevices: s.blockDevices ?? [],
    netInterfaces: s.netInterfaces ?? [],
    sysfsPath: `sys/devices/test/${s.address}`,
    warnings: [],
  };
}

export interface SnapshotSpec {
  devices: DeviceSpec[];
  /** non-PCI group members: group id → platform devices */
  platform?: Record<number, GroupMember[]>;
  vfioNodes?: number[];
  vfioPciDriver?: boolean;
  mounts?: Mount[];
  defaultRouteInterfaces?: string[];
  allowUnsafeInterrupts?: boolean | null;
}

export function hostSnapshot(spec: SnapshotSpec): HostSnapshot {
  const devices = spec.devices.map(pciDevice);
  for (const d of devices) {
    d.siblings = devices.filter((o) => o !== d && pciSlotOf(o.address) === pciSlotOf(d.address)).map((o) => o.address);
  }
  const ids = new Set<number>([...devices.flatMap((d) => (d.iommuGroup === null ? [] : [d.iommuGroup])), ...Object.keys(spec.platform ?? {}).map(Number)]);
  const vfioNodes = spec.vfioNodes ?? [];
  const groups = [...ids].sort((a, b) => a - b).map((id) => ({
    id,
    members: [
      ...(spec.platform?.[id] ?? []),
      ...devices.filter((d) => d.iommuGroup === id).map((d) => ({ kind: 'pci' as const, name: d.address, driver: d.driver })),
    ],
    vfioNode: vfioNodes.includes(id),
  }));
  const drivers = [...new Set(devices.flatMap((d) => (d.driver ? [d.driver] : [])))];
  if (spec.vfioPciDriver !== false && !drivers.includes('vfio-pci')) drivers.push('vfio-pci');
  return {
    root: '/test',
    takenAt: '2025-01-01T00:00:00.000Z',
    devices,
    groups,
    drivers: drivers.sort(),
    vfio: {
      containerNode: true,
      groupNodes: vfioNodes,
      vfioPciDriver: spec.vfioPciDriver !== false,
      allowUnsafeInterrupts: spec.allowUnsafeInterrupts === undefined ? true : spec.allowUnsafeInterrupts,
      interruptRemapping: null,
    },
    dtCompatible: [],
    mounts: spec.mounts ?? [],
    defaultRouteInterfaces: spec.defaultRouteInterfaces ?? [],
    kernelRelease: '6.1.0-test',
    warnings: [],
  };
}

/** The kernel rig's topology `gpu` as in tests/fixtures/rig-gpu-sysfs.tar.gz (docs/sources/kernel-truth.md). */
export function rigGpuSpec(): SnapshotSpec {
  return {
    devices: [
      { address: '0000:00:00.0', vendor: '1b36', device: '0008', classCode: '060000', group: null, rootPort: null },
      { address: '0000:00:01.0', vendor: '1b36', device: '000c', classCode: '060400', driver: 'pcieport', group: 0 },
      { address: '0000:00:04.0', vendor: '1b36', device: '000c', classCode: '060400', driver: 'pcieport', group: 1 },
      { address: '0000:00:05.0', vendor: '1b36', device: '000c', classCode: '060400', driver: 'pcieport', group: 2 },
      { address: '0000:01:00.0', vendor: '8086', device: '10d3', classCode: '020000', driver: 'e1000e', group: 0, rootPort: '0000:00:01.0', netInterfaces: ['eth0'] },
      { address: '0000:02:00.0', vendor: '1b36', device: '0010', classCode: '010802', driver: 'nvme', group: 1, rootPort: '0000:00:04.0', blockDevices: ['nvme0n1'] },
      { address: '0000:03:00.0', vendor: '1234', device: '1111', classCode: '030000', driver: 'bochs-drm', group: 2, rootPort: '0000:00:05.0' },
      { address: '0000:03:00.1', vendor: '8086', device: '293e', classCode: '040300', driver: 'snd_hda_intel', group: 2, rootPort: '0000:00:05.0' },
    ],
    allowUnsafeInterrupts: false,
  };
}

/** A stock Orin devkit (no overlay): each controller's platform device shares the group with its port and card. */
export function orinStockSpec(): SnapshotSpec {
  return {
    devices: [
      { address: '0001:00:00.0', vendor: '10de', device: '229e', classCode: '060400', driver: 'pcieport', group: 5 },
      { address: '0001:01:00.0', vendor: '10ec', device: 'c822', classCode: '028000', driver: 'rtl8822ce', group: 5, rootPort: '0001:00:00.0', netInterfaces: ['wlP1p1s0'] },
      { address: '0004:00:00.0', vendor: '10de', device: '229c', classCode: '060400', driver: 'pcieport', group: 8 },
      { address: '0004:01:00.0', vendor: '15b7', device: '5006', classCode: '010802', driver: 'nvme', group: 8, rootPort: '0004:00:00.0', blockDevices: ['nvme0n1'] },
      { address: '0005:00:00.0', vendor: '10de', device: '229a', classCode: '060400', driver: 'pcieport', group: 9 },
      { address: '0005:01:00.0', vendor: '10de', device: '1fb1', classCode: '030000', driver: 'nouveau', group: 9, rootPort: '0005:00:00.0' },
      { address: '0005:01:00.1', vendor: '10de', device: '10fa', classCode: '040300', driver: 'snd_hda_intel', group: 9, rootPort: '0005:00:00.0' },
    ],
    platform: {
      5: [{ kind: 'platform', name: '14100000.pcie', driver: 'tegra194-pcie' }],
      8: [{ kind: 'platform', name: '14160000.pcie', driver: 'tegra194-pcie' }],
      9: [{ kind: 'platform', name: '141a0000.pcie', driver: 'tegra194-pcie' }],
    },
    mounts: [{ source: '/dev/nvme0n1p1', target: '/', fstype: 'ext4' }],
    defaultRouteInterfaces: ['eth0'],
  };
}

/** The same devkit after the overlay removed iommus from C1 and C5. */
export function orinOverlaySpec(): SnapshotSpec {
  const spec = orinStockSpec();
  return { ...spec, platform: { 8: spec.platform![8] } };
}
