// The simulated PCI device as plain data: what writePciDevice (pci-device.ts) and buildConfigSpace (config-space.ts)
// both read.
import type { PciAddress } from '../../../common/pci-address';

export type SimBarKind = 'mem32' | 'mem64' | 'io' | 'rom';

export interface SimBar {
  /** 0-5 for BARs (a 64-bit BAR uses index and index+1), 6 for the expansion ROM */
  index: number;
  kind: SimBarKind;
  prefetchable: boolean;
  /** CPU address, as `resource` shows it */
  start: bigint;
  /** address on the PCI bus, as the BAR register holds it */
  busStart: bigint;
  size: bigint;
}

export interface SimWindow {
  start: bigint;
  busStart: bigint;
  size: bigint;
}

export interface SimLink {
  currentSpeed: string; // "8.0" (GT/s)
  maxSpeed: string;
  currentWidth: number;
  maxWidth: number;
}

export interface SimPciDevice {
  address: PciAddress;
  vendor: string; // four hex digits
  device: string;
  subsystemVendor: string;
  subsystemDevice: string;
  classCode: string; // six hex digits
  revision: string; // two hex digits
  multifunction?: boolean;
  bars: SimBar[];
  /** present for bridges (header type 1) */
  bridge?: { primary: number; secondary: number; subordinate: number; io?: SimWindow; mem?: SimWindow; pref?: SimWindow };
  link?: SimLink;
  irq: number;
  driver: string | null;
  /** directories a bound driver creates below the device: "net/wlP1p1s0", "nvme/nvme0/nvme0n1" */
  driverChildren?: Record<string, string>;
}
