// What the simulated kernel remembers beside the tree (<root>/.sim-kernel.json, outside sys/):
// each PCI driver's match table, its dynamic ids (new_id), and what a driver creates below a device
// it binds (net/wlP1p1s0, nvme/nvme0/…) so that a re-bind brings it back.
// The match tables are derived from the bindings present when a tree is first adopted: a driver
// matches exactly the vendor:device pairs it was bound to — which holds for any tree, the rig's included.
import fs from 'node:fs';
import path from 'node:path';
import { PCI_BUS, Tree, driverOf } from './tree';

export const ANY_ID = 0xffffffff;

export interface PciMatch {
  vendor: number;
  device: number;
  subvendor: number;
  subdevice: number;
  class: number;
  classMask: number;
}

export interface SimDriver {
  name: string;
  ids: PciMatch[];
  dynIds: PciMatch[];
}

export interface KernelState {
  version: 1;
  /** in probe order: a device goes to the first driver that matches */
  drivers: SimDriver[];
  /** per device address: files a driver created below the device, keyed relative to the device dir */
  driverChildren: Record<string, { driver: string; files: Record<string, string> }>;
}

export const STATE_FILE = '.sim-kernel.json';
/** directories a driver creates below its device (not PCI children, not generic attributes) */
const DRIVER_CHILD_DIRS = ['net', 'nvme', 'drm', 'sound', 'block', 'graphics', 'ieee80211'];

export interface DeviceIds {
  vendor: number;
  device: number;
  subvendor: number;
  subdevice: number;
  class: number;
}

export function readDeviceIds(tree: Tree, devDir: string): DeviceIds {
  const h = (f: string, fallback = 0) => {
    const v = tree.read(`${devDir}/${f}`);
    return v === null ? fallback : parseInt(v.trim(), 16);
  };
  return { vendor: h('vendor'), device: h('device'), subvendor: h('subsystem_vendor', ANY_ID), subdevice: h('subsystem_device', ANY_ID), class: h('class') };
}

/** pci_match_one_device() */
export function idMatches(id: PciMatch, dev: DeviceIds): boolean {
  const f = (want: number, have: number) => want === ANY_ID || want === have;
  return f(id.vendor, dev.vendor) && f(id.device, dev.device) && f(id.subvendor, dev.subvendor) && f(id.subdevice, dev.subdevice) && ((id.class ^ dev.class) & id.classMask) === 0;
}

/** pci_match_device(): driver_override first, then dynamic ids, then the static table. */
export function driverMatches(drv: SimDriver, dev: DeviceIds, override: string | null): boolean {
  if (override !== null && override !== drv.name) return false;
  if (drv.dynIds.some((id) => idMatches(id, dev))) return true;
  if (drv.ids.some((id) => idMatches(id, dev))) return true;
  return override === drv.name;
}

export function exactMatch(vendor: number, device: number): PciMatch {
  return { vendor, device, subvendor: ANY_ID, subdevice: ANY_ID, class: 0, classMask: 0 };
}

export function pciDeviceDirs(tree: Tree): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of tree.list(`${PCI_BUS}/devices`)) {
    const dir = tree.linkTarget(`${PCI_BUS}/devices/${name}`);
    if (dir) out.set(name, dir);
  }
  return out;
}

export function captureDriverChildren(tree: Tree, devDir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (rel: string) => {
    const abs = tree.abs(`${devDir}/${rel}`);
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) files[r] = fs.readFileSync(path.join(abs, e.name), 'latin1');
    }
  };
  for (const d of DRIVER_CHILD_DIRS) if (tree.exists(`${devDir}/${d}`) && !tree.isLink(`${devDir}/${d}`)) walk(d);
  return files;
}

export function removeDriverChildren(tree: Tree, devDir: string): void {
  for (const d of DRIVER_CHILD_DIRS) if (tree.exists(`${devDir}/${d}`)) tree.remove(`${devDir}/${d}`);
}

/** Derives the state from the tree's current bindings. vfio-pci probes last (it is loaded last on the rig). */
export function deriveState(tree: Tree): KernelState {
  const names = tree.list(`${PCI_BUS}/drivers`).filter((n) => tree.exists(`${PCI_BUS}/drivers/${n}/bind`));
  names.sort((a, b) => Number(a === 'vfio-pci') - Number(b === 'vfio-pci') || a.localeCompare(b));
  const drivers: SimDriver[] = names.map((name) => ({ name, ids: [], dynIds: [] }));
  const driverChildren: KernelState['driverChildren'] = {};
  for (const [address, dir] of pciDeviceDirs(tree)) {
    const driver = driverOf(tree, dir);
    if (!driver) continue;
    const drv = drivers.find((d) => d.name === driver);
    const ids = readDeviceIds(tree, dir);
    // vfio-pci only ever matches through driver_override or new_id, never a static table
    if (drv && driver !== 'vfio-pci' && !drv.ids.some((id) => id.vendor === ids.vendor && id.device === ids.device)) drv.ids.push(exactMatch(ids.vendor, ids.device));
    const files = captureDriverChildren(tree, dir);
    if (Object.keys(files).length) driverChildren[address] = { driver, files };
  }
  return { version: 1, drivers, driverChildren };
}

export function statePath(root: string): string {
  return path.join(root, STATE_FILE);
}

export function loadState(tree: Tree): KernelState {
  try {
    const s = JSON.parse(fs.readFileSync(statePath(tree.root), 'utf8')) as KernelState;
    if (s.version === 1) return s;
  } catch {
    /* first use of this tree */
  }
  const s = deriveState(tree);
  saveState(tree, s);
  return s;
}

export function saveState(tree: Tree, s: KernelState): void {
  const p = statePath(tree.root);
  const tmp = `${p}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(s, null, 1) + '\n');
  fs.renameSync(tmp, p);
}
