// A HostSnapshot of the simulated Jetson AGX Orin devkit (T600 in the x8 slot, after the overlay that takes
// 141a0000.pcie out of its group), as plain data for the pure builder/check tests. BARs from docs/sources/orin-facts.md
// ("Typical NVIDIA BARs"); addresses and IDs as in server/host's sim model.
import { asPciAddress, pciAddressParts } from '../../../common/pci-address';
import type { Bar, HostSnapshot, PciDevice } from '../../host/types';

const MiB = 1024 * 1024;

function bar(index: number, start: number, size: number, o: { is64?: boolean; prefetchable?: boolean; io?: boolean } = {}): Bar {
  const flags = (o.io ? 0x101 : 0x200) | (o.is64 ? 0x100000 : 0) | (o.prefetchable ? 0x2000 : 0);
  const hex = (n: number) => `0x${n.toString(16).padStart(16, '0')}`;
  return { index, kind: index === 6 ? 'rom' : 'bar', start: hex(start), end: hex(start + size - 1), size, flags, io: !!o.io, is64: !!o.is64, prefetchable: !!o.prefetchable };
}

type Extra = Omit<Partial<PciDevice>, 'rootPort' | 'siblings'> & { rootPort?: string; siblings?: string[] };

function device(text: string, vendor: string, dev: string, cls: string, { rootPort, siblings, ...p }: Extra = {}): PciDevice {
  const address = asPciAddress(text);
  return {
    address, ...pciAddressParts(address),
    vendor: { id: vendor, name: vendor === '10de' ? 'NVIDIA Corporation' : null },
    device: { id: dev, name: null }, subsystemVendor: null, subsystemDevice: null, revision: 'a1',
    class: { code: cls, className: null, subclassName: null, progIfName: null },
    isBridge: cls.startsWith('0604'), driver: null, driverOverride: null, iommuGroup: null,
    parents: [], bars: [], windows: [], link: null,
    blockDevices: [], netInterfaces: [], sysfsPath: `sys/devices/platform/x/${address}`, warnings: [],
    ...p,
    rootPort: rootPort ? asPciAddress(rootPort) : null,
    siblings: (siblings ?? []).map(asPciAddress),
  };
}

export interface OrinOptions {
  /** driver of the GPU's functions: 'vfio-pci' once passed, 'nouveau'/'snd_hda_intel' before */
  gpuDriver?: string | null;
  audioDriver?: string | null;
  /** the x8 slot card's BAR1 size (MiB), to try big cards */
  gpuBar1MiB?: number;
  vfioNodes?: boolean;
}

export function orinSnapshot(o: OrinOptions = {}): HostSnapshot {
  const gpuDriver = o.gpuDriver === undefined ? 'vfio-pci' : o.gpuDriver;
  const audioDriver = o.audioDriver === undefined ? 'vfio-pci' : o.audioDriver;
  const bar1 = (o.gpuBar1MiB ?? 256) * MiB;
  const vfioNodes = o.vfioNodes ?? true;
  const devices: PciDevice[] = [
    device('0001:00:00.0', '10de', '229e', '060400', { driver: 'pcieport', iommuGroup: 5 }),
    device('0001:01:00.0', '10ec', 'c822', '028000', { driver: 'rtl88x2ce', iommuGroup: 5, rootPort: '0001:00:00.0', netInterfaces: ['wlP1p1s0'], bars: [bar(0, 0x20a8000000, 64 * 1024, { is64: true })] }),
    device('0004:00:00.0', '10de', '229c', '060400', { driver: 'pcieport', iommuGroup: 8 }),
    device('0004:01:00.0', '15b7', '5006', '010802', { driver: 'nvme', iommuGroup: 8, rootPort: '0004:00:00.0', blockDevices: ['nvme0n1'], bars: [bar(0, 0x2428000000, 16 * 1024, { is64: true })] }),
    device('0005:00:00.0', '10de', '229a', '060400', { driver: 'pcieport', iommuGroup: 12 }),
    device('0005:01:00.0', '10de', '1fb1', '030000', {
      driver: gpuDriver, iommuGroup: 12, rootPort: '0005:00:00.0', siblings: ['0005:01:00.1'],
      bars: [bar(0, 0x3a000000, 16 * MiB), bar(1, 0x1c00000000, bar1, { is64: true, prefetchable: true }), bar(3, 0x1c20000000, 32 * MiB, { is64: true, prefetchable: true }), bar(5, 0x1000, 128, { io: true })],
    }),
    device('0005:01:00.1', '10de', '10fa', '040300', { driver: audioDriver, iommuGroup: 12, rootPort: '0005:00:00.0', siblings: ['0005:01:00.0'], bars: [bar(0, 0x3b080000, 16 * 1024)] }),
  ];
  devices[5].device.name = 'TU117GL [T600]';
  devices[6].device.name = 'TU116 High Definition Audio Controller';
  const pci = (name: string) => ({ kind: 'pci' as const, name: asPciAddress(name), driver: devices.find((d) => d.address === name)!.driver });
  return {
    root: '/sim', takenAt: '2025-01-01T00:00:00.000Z', devices,
    groups: [
      { id: 5, members: [{ kind: 'platform', name: '14100000.pcie', driver: 'tegra194-pcie' }, pci('0001:00:00.0'), pci('0001:01:00.0')], vfioNode: false },
      { id: 8, members: [{ kind: 'platform', name: '14160000.pcie', driver: 'tegra194-pcie' }, pci('0004:00:00.0'), pci('0004:01:00.0')], vfioNode: false },
      { id: 12, members: [pci('0005:00:00.0'), pci('0005:01:00.0'), pci('0005:01:00.1')], vfioNode: vfioNodes },
    ],
    drivers: ['pcieport', 'nvme', 'rtl88x2ce', 'vfio-pci', 'snd_hda_intel'],
    vfio: { containerNode: vfioNodes, groupNodes: vfioNodes ? [12] : [], vfioPciDriver: true, allowUnsafeInterrupts: true, interruptRemapping: false },
    dtCompatible: ['nvidia,p3737-0000+p3701-0000', 'nvidia,tegra234'], mounts: [], defaultRouteInterfaces: [],
    kernelRelease: '5.15.148-tegra', warnings: [],
  };
}
