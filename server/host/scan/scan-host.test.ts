import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostSnapshot } from '../types';
import { unpackFixture } from './fixtures';
import { scanHost } from './index';

// The rig's `gpu` snapshot, completed with what a Jetson has and the rig does not copy: block and
// net children, a platform controller with a driver inside an IOMMU group, /dev/vfio/N, /proc files.
const CTRL = 'sys/devices/platform/4010000000.pcie';
const NIC = `${CTRL}/pci0000:00/0000:00:01.0/0000:01:00.0`;
const NVME = `${CTRL}/pci0000:00/0000:00:04.0/0000:02:00.0`;
const GPU = `${CTRL}/pci0000:00/0000:00:05.0/0000:03:00.0`;

let root: string;
let s: HostSnapshot;
const put = (rel: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
};
const link = (rel: string, target: string) => {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.symlinkSync(target, path.join(root, rel));
};

beforeAll(() => {
  root = unpackFixture('gpu');
  fs.mkdirSync(path.join(root, NVME, 'nvme/nvme0/nvme0n1'), { recursive: true });
  fs.mkdirSync(path.join(root, NVME, 'nvme/nvme0/ng0n1'), { recursive: true }); // char device, not a disk
  fs.mkdirSync(path.join(root, NIC, 'net/enP1p1s0'), { recursive: true });
  fs.mkdirSync(path.join(root, GPU, 'block/sdb'), { recursive: true }); // a storage controller's own block/ dir
  put(`${GPU}/driver_override`, 'vfio-pci\n');
  fs.mkdirSync(path.join(root, 'sys/bus/platform/drivers/tegra194-pcie'), { recursive: true });
  link(`${CTRL}/driver`, '../../../bus/platform/drivers/tegra194-pcie');
  link('sys/kernel/iommu_groups/2/devices/4010000000.pcie', '../../../../devices/platform/4010000000.pcie');
  put('dev/vfio/2', '');
  put('proc/device-tree/compatible', 'nvidia,p3737-0000+p3701-0005\0nvidia,p3701-0005\0nvidia,tegra234\0');
  put('proc/mounts', '/dev/nvme0n1p1 / ext4 rw 0 0\n');
  put('proc/net/route', 'Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT\nenP1p1s0\t00000000\t0101A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n');
  fs.rmSync(path.join(root, 'kernel-release'));
  put('proc/sys/kernel/osrelease', '5.15.148-tegra\n');
  put('sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts', 'Y\n');
  s = scanHost(root);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const dev = (a: string) => s.devices.find((d) => d.address === a)!;

describe('scanHost on a completed rig snapshot', () => {
  it('reports no warnings', () => expect(s.warnings).toEqual([]));

  it('finds block devices below an NVMe controller and network interfaces', () => {
    expect(dev('0000:02:00.0').blockDevices).toEqual(['nvme0n1']);
    expect(dev('0000:01:00.0').netInterfaces).toEqual(['enP1p1s0']);
    expect(dev('0000:03:00.0').blockDevices).toEqual(['sdb']);
  });

  it('takes names from another pci.ids when told to', () => {
    const ids = path.join(root, 'test-pci.ids');
    fs.writeFileSync(ids, '1234  Test Vendor\n\t1111  Test VGA\nC 03  Display\n\t00  VGA\n');
    const d = scanHost(root, { pciIdsPath: ids }).devices.find((d) => d.address === '0000:03:00.0')!;
    expect([d.vendor.name, d.device.name, d.class.className, d.class.subclassName]).toEqual(['Test Vendor', 'Test VGA', 'Display', 'VGA']);
  });

  it('reads driver_override, and "(null)" as null', () => {
    expect(dev('0000:03:00.0').driverOverride).toBe('vfio-pci');
    expect(dev('0000:03:00.1').driverOverride).toBeNull();
  });

  it('lists every group member, the platform controller with its driver', () => {
    const g = s.groups.find((g) => g.id === 2)!;
    expect(g.members).toEqual([
      { kind: 'pci', name: '0000:00:05.0', driver: 'pcieport' },
      { kind: 'pci', name: '0000:03:00.0', driver: 'bochs-drm' },
      { kind: 'pci', name: '0000:03:00.1', driver: 'snd_hda_intel' },
      { kind: 'platform', name: '4010000000.pcie', driver: 'tegra194-pcie' },
    ]);
    expect(g.vfioNode).toBe(true);
    expect(s.groups.find((g) => g.id === 0)!.vfioNode).toBe(false);
  });

  it('builds the parent chain up to the platform controller, with drivers', () => {
    expect(dev('0000:03:00.1').parents).toEqual([
      { kind: 'pci', name: '0000:00:05.0', driver: 'pcieport' },
      { kind: 'host-bridge', name: 'pci0000:00', driver: null },
      { kind: 'platform', name: '4010000000.pcie', driver: 'tegra194-pcie' },
    ]);
    expect(dev('0000:03:00.1').rootPort).toBe('0000:00:05.0');
    expect(dev('0000:00:05.0').rootPort).toBe('0000:00:05.0');
    expect(dev('0000:00:00.0').rootPort).toBeNull();
    expect(dev('0000:03:00.0').siblings).toEqual(['0000:03:00.1']);
  });

  it('reads the PCIe link', () => {
    expect(dev('0000:02:00.0').link).toEqual({ currentSpeed: '2.5 GT/s PCIe', maxSpeed: '2.5 GT/s PCIe', currentWidth: 1, maxWidth: 1 });
    expect(dev('0000:00:00.0').link).toBeNull();
  });

  it('reads the host-wide state', () => {
    expect(s.vfio).toEqual({ containerNode: true, groupNodes: [2], vfioPciDriver: true, allowUnsafeInterrupts: true, interruptRemapping: null });
    expect(s.dtCompatible).toEqual(['nvidia,p3737-0000+p3701-0005', 'nvidia,p3701-0005', 'nvidia,tegra234']);
    expect(s.mounts).toEqual([{ source: '/dev/nvme0n1p1', target: '/', fstype: 'ext4' }]);
    expect(s.defaultRouteInterfaces).toEqual(['enP1p1s0']);
    expect(s.kernelRelease).toBe('5.15.148-tegra');
    expect(s.drivers).toContain('vfio-pci');
    expect(s.root).toBe(root);
  });

  it('names devices and classes from pci.ids', () => {
    expect(dev('0000:03:00.1').device.name).toBe('82801I (ICH9 Family) HD Audio Controller');
    expect(dev('0000:02:00.0').class).toEqual({ code: '010802', className: 'Mass storage controller', subclassName: 'Non-Volatile memory controller', progIfName: 'NVM Express' });
  });

  it('never opens files that map or poke hardware', () => {
    // make them unreadable-by-accident: a scan that opened them would fail with EISDIR and warn
    for (const f of ['config', 'rom', 'resource0', 'vpd', 'remove', 'reset']) {
      fs.rmSync(path.join(root, GPU, f), { force: true });
      fs.mkdirSync(path.join(root, GPU, f));
    }
    expect(scanHost(root).warnings).toEqual([]);
  });
});
