// The host's PCI world as jetvm sees it: the one typed snapshot every other module reads.
// Numbers that can exceed 2^53 (bus addresses) are kept as hex strings; sizes are numbers of bytes.

import type { PciAddress } from '../../common/pci-address';

export type { PciAddress };

export interface IdName {
  /** four hex digits, lower case, no 0x: "10de" */
  id: string;
  /** from the system's pci.ids, or null when pci.ids does not know it */
  name: string | null;
}

export interface PciClass {
  /** six hex digits, no 0x: "030000" */
  code: string;
  className: string | null; // "Display controller"
  subclassName: string | null; // "VGA compatible controller"
  progIfName: string | null;
}

export type BarKind = 'bar' | 'rom' | 'iov' | 'bridge-window';

export interface Bar {
  /** line number in `resource`: 0-5 BARs, 6 ROM, 7-12 SR-IOV BARs, 13+ bridge windows */
  index: number;
  kind: BarKind;
  /** "0x0000000010000000" as the kernel prints it */
  start: string;
  end: string;
  size: number;
  flags: number;
  io: boolean;
  is64: boolean;
  prefetchable: boolean;
}

export interface PcieLink {
  currentSpeed: string | null; // "16.0 GT/s PCIe"
  maxSpeed: string | null;
  currentWidth: number | null;
  maxWidth: number | null;
}

export type ParentKind = 'pci' | 'host-bridge' | 'platform' | 'other';

/** A PCI parent is named by its address; the others by their sysfs name ("pci0000:00", "141a0000.pcie"). */
export type ParentRef =
  | { kind: 'pci'; name: PciAddress; driver: string | null }
  | { kind: Exclude<ParentKind, 'pci'>; name: string; driver: string | null };

export interface ScanWarning {
  /** the device the warning is about, when there is one */
  device?: PciAddress;
  /** path relative to the sysfs root */
  path: string;
  message: string;
}

export interface PciDevice {
  address: PciAddress;
  domain: number;
  bus: number;
  slot: number;
  fn: number;
  vendor: IdName;
  device: IdName;
  subsystemVendor: IdName | null;
  subsystemDevice: IdName | null;
  revision: string | null; // "a1"
  class: PciClass;
  /** bridges (class 0604) are never passed through; they stay on pcieport */
  isBridge: boolean;
  driver: string | null;
  /** null when the file reads "(null)" or is absent */
  driverOverride: string | null;
  /** null: no iommu_group link (on ARM, a device without a driver may have none) */
  iommuGroup: number | null;
  /** nearest first: root port(s), host bridge, platform controller */
  parents: ParentRef[];
  /** the root port above this device, or itself when it is one */
  rootPort: PciAddress | null;
  /** other functions of the same slot (same domain:bus:dev) */
  siblings: PciAddress[];
  bars: Bar[];
  windows: Bar[];
  link: PcieLink | null;
  /** block devices below it (nvme0n1, …) and network interfaces (wlP1p1s0, …) */
  blockDevices: string[];
  netInterfaces: string[];
  /** the device's real directory, relative to the sysfs root: "sys/devices/platform/…/0000:03:00.0" */
  sysfsPath: string;
  warnings: string[];
}

export type GroupMemberKind = 'pci' | 'platform' | 'other';

/** A PCI member is named by its address, a platform device by its name ("14100000.pcie"). */
export type GroupMember =
  | { kind: 'pci'; name: PciAddress; driver: string | null }
  | { kind: Exclude<GroupMemberKind, 'pci'>; name: string; driver: string | null };

export interface IommuGroup {
  id: number;
  members: GroupMember[];
  /** /dev/vfio/<id> exists */
  vfioNode: boolean;
}

export interface VfioState {
  /** /dev/vfio/vfio exists */
  containerNode: boolean;
  /** numbers of /dev/vfio/<N> nodes */
  groupNodes: number[];
  /** /sys/bus/pci/drivers/vfio-pci exists */
  vfioPciDriver: boolean;
  /** /sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts: Y → true, N → false, absent → null */
  allowUnsafeInterrupts: boolean | null;
  /**
   * Interrupt remapping in use, from <root>/proc/interrupts: IR-… chips (Intel/AMD IOMMU) or ITS-MSI
   * (GICv3 ITS) → true; the file without them → false; no file → null. With it, allow_unsafe_interrupts
   * is not needed.
   */
  interruptRemapping: boolean | null;
}

export interface Mount {
  source: string; // "/dev/nvme0n1p1"
  target: string; // "/"
  fstype: string;
}

export interface HostSnapshot {
  /** the tree that was scanned ("/" on a real host) */
  root: string;
  takenAt: string; // ISO time
  devices: PciDevice[];
  groups: IommuGroup[];
  /** drivers registered on the PCI bus (/sys/bus/pci/drivers/*) */
  drivers: string[];
  vfio: VfioState;
  /** from <root>/proc/device-tree/compatible, NUL-separated entries split; [] when absent */
  dtCompatible: string[];
  /** from <root>/proc/mounts when present */
  mounts: Mount[];
  /** interfaces carrying a default route, from <root>/proc/net/route when present */
  defaultRouteInterfaces: string[];
  kernelRelease: string | null;
  warnings: ScanWarning[];
}

/** What a write to sysfs did: the kernel's answer, as errno text. */
export interface WriteResult {
  path: string; // relative to the sysfs root: "sys/bus/pci/drivers_probe"
  value: string;
  ok: boolean;
  errno?: string; // "ENODEV"
  message?: string; // "No such device"
}

export type HostMode = 'sim' | 'real';
