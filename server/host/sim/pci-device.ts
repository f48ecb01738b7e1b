// Writes one PCI device directory the way drivers/pci/pci-sysfs.c presents it.
import path from 'node:path';
import { buildConfigSpace } from './config-space';
import { PCI_BUS, Tree, hex, linkDriver } from './tree';
import { type PciAddress } from '../../../shared/pci-address';

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

const BAR_FLAGS: Record<string, bigint> = {
  mem32: 0x40200n,
  mem32pref: 0x42208n,
  mem64: 0x140204n,
  mem64pref: 0x14220cn,
  io: 0x40101n,
  rom: 0x46200n,
};
const WINDOW_FLAGS = { io: 0x100n, mem: 0x200n, pref: 0x102201n };

const line = (start: bigint, size: bigint, flags: bigint): string =>
  size === 0n ? `${hex(0, 16)} ${hex(0, 16)} ${hex(0, 16)}` : `${hex(start, 16)} ${hex(start + size - 1n, 16)} ${hex(flags, 16)}`;

/** The `resource` file: 13 lines (BARs, ROM, SR-IOV BARs), plus 4 window lines for bridges. */
export function resourceText(d: SimPciDevice): string {
  const lines = Array.from({ length: d.bridge ? 17 : 13 }, () => line(0n, 0n, 0n));
  for (const bar of d.bars) {
    const key = bar.kind === 'rom' || bar.kind === 'io' ? bar.kind : `${bar.kind}${bar.prefetchable ? 'pref' : ''}`;
    lines[bar.kind === 'rom' ? 6 : bar.index] = line(bar.start, bar.size, BAR_FLAGS[key]);
  }
  if (d.bridge) {
    const { io, mem, pref } = d.bridge;
    if (io) lines[13] = line(io.start, io.size, WINDOW_FLAGS.io);
    if (mem) lines[14] = line(mem.start, mem.size, WINDOW_FLAGS.mem);
    if (pref) lines[15] = line(pref.start, pref.size, WINDOW_FLAGS.pref);
  }
  return lines.join('\n') + '\n';
}

export function modalias(d: SimPciDevice): string {
  const u = (s: string) => s.toUpperCase().padStart(8, '0');
  const [bc, sc, i] = [d.classCode.slice(0, 2), d.classCode.slice(2, 4), d.classCode.slice(4, 6)].map((s) => s.toUpperCase());
  return `pci:v${u(d.vendor)}d${u(d.device)}sv${u(d.subsystemVendor)}sd${u(d.subsystemDevice)}bc${bc}sc${sc}i${i}`;
}

function speedText(gts: string): string {
  return `${gts} GT/s PCIe`;
}

/**
 * Writes the device below parentDir (the host bridge "…/pci0005:00" or a bridge's directory),
 * its /sys/bus/pci/devices link and, when it has a driver, the driver links.
 * Returns the device directory, relative to the root.
 */
export function writePciDevice(tree: Tree, parentDir: string, d: SimPciDevice): string {
  const dir = `${parentDir}/${d.address}`;
  const f = (name: string, content: string | Buffer) => tree.file(`${dir}/${name}`, content);
  f('vendor', `0x${d.vendor}\n`);
  f('device', `0x${d.device}\n`);
  f('subsystem_vendor', `0x${d.subsystemVendor}\n`);
  f('subsystem_device', `0x${d.subsystemDevice}\n`);
  f('class', `0x${d.classCode}\n`);
  f('revision', `0x${d.revision}\n`);
  f('driver_override', '(null)\n');
  f('resource', resourceText(d));
  f('config', buildConfigSpace(d));
  f('enable', '1\n');
  f('irq', `${d.irq}\n`);
  f('numa_node', '-1\n');
  f('local_cpulist', '0-11\n');
  f('power_state', 'D0\n');
  f('msi_bus', '1\n');
  f('d3cold_allowed', '1\n');
  f('broken_parity_status', '0\n');
  f('ari_enabled', '0\n');
  f('dma_mask_bits', '64\n');
  f('consistent_dma_mask_bits', '64\n');
  f('modalias', `${modalias(d)}\n`);
  const id = `${d.vendor}:${d.device}`.toUpperCase();
  const subsys = `${d.subsystemVendor}:${d.subsystemDevice}`.toUpperCase();
  f('uevent', `PCI_CLASS=${parseInt(d.classCode, 16).toString(16).toUpperCase()}\nPCI_ID=${id}\nPCI_SUBSYS_ID=${subsys}\nPCI_SLOT_NAME=${d.address}\nMODALIAS=${modalias(d)}\n`);
  if (d.link) {
    f('current_link_speed', `${speedText(d.link.currentSpeed)}\n`);
    f('max_link_speed', `${speedText(d.link.maxSpeed)}\n`);
    f('current_link_width', `${d.link.currentWidth}\n`);
    f('max_link_width', `${d.link.maxWidth}\n`);
  }
  if (d.bridge) {
    f('secondary_bus_number', `${d.bridge.secondary}\n`);
    f('subordinate_bus_number', `${d.bridge.subordinate}\n`);
  }
  tree.link(`${dir}/subsystem`, PCI_BUS);
  tree.link(`${PCI_BUS}/devices/${d.address}`, dir);
  if (d.driver) {
    linkDriver(tree, dir, PCI_BUS, d.driver);
    for (const [rel, content] of Object.entries(d.driverChildren ?? {})) tree.file(path.join(dir, rel), content);
  }
  return dir;
}
