// Writes one PCI device directory the way drivers/pci/pci-sysfs.c presents it.
import path from 'node:path';
import { buildConfigSpace } from './config-space';
import { PCI_BUS, Tree, hex, linkDriver } from './tree';
import type { SimPciDevice } from './pci-model';

export type { SimBar, SimBarKind, SimLink, SimPciDevice, SimWindow } from './pci-model';

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
  // PCI_CLASS is "%04X" (pci_uevent(), drivers/pci/pci-driver.c): the leading zero of a 6-digit class goes, 4 digits stay
  f('uevent', `PCI_CLASS=${parseInt(d.classCode, 16).toString(16).toUpperCase().padStart(4, '0')}\nPCI_ID=${id}\nPCI_SUBSYS_ID=${subsys}\nPCI_SLOT_NAME=${d.address}\nMODALIAS=${modalias(d)}\n`);
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
