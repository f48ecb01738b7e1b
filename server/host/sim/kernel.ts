// The simulated kernel: what Linux (drivers/base/bus.c, dd.c, drivers/pci/pci-driver.c, vfio) does
// to sysfs when one of the PCI binding files is written, applied to any sysfs-shaped tree.
// Measured behaviour it reproduces: docs/sources/kernel-truth.md, checked by ../conformance.
// It takes the bytes as written ("vfio-pci\n") and validates no more than the kernel does;
// callers that want validation go through write.ts. All file operations are synchronous, so
// writes from one process never interleave.
import path from 'node:path';
import { errnoResult, normalizeValue, okResult } from '../write';
import type { WriteResult } from '../types';
import {
  ANY_ID,
  captureDriverChildren,
  driverMatches,
  loadState,
  pciDeviceDirs,
  readDeviceIds,
  removeDriverChildren,
  saveState,
  type KernelState,
  type PciMatch,
  type SimDriver,
} from './kernel-state';
import { GROUPS, PCI_BUS, Tree, addToGroup, driverOf, groupOf, linkDriver, lowestFreeGroup, unlinkDriver } from './tree';

const PAGE_SIZE = 4096;
type Errno = string | null;

export class SimKernel {
  readonly tree: Tree;

  constructor(readonly root: string) {
    this.tree = new Tree(root);
    loadState(this.tree); // adopt the tree on first use
  }

  /** write(2) of data to root/relPath, as the kernel would answer it. */
  write(relPath: string, data: string): WriteResult {
    const value = normalizeValue(data);
    const real = this.tree.real(relPath);
    if (real === null) return errnoResult(relPath, value, 'ENOENT');
    const state = loadState(this.tree);
    const errno = this.dispatch(state, real, data);
    saveState(this.tree, state);
    return errno ? errnoResult(relPath, value, errno) : okResult(relPath, value);
  }

  private dispatch(state: KernelState, real: string, data: string): Errno {
    if (real === `${PCI_BUS}/drivers_probe`) return this.driversProbe(state, data);
    const m = real.match(/^sys\/bus\/pci\/drivers\/([^/]+)\/(bind|unbind|new_id|remove_id)$/);
    if (m) {
      const drv = driverNamed(state, m[1]);
      if (m[2] === 'bind') return this.bindStore(state, drv, data);
      if (m[2] === 'unbind') return this.unbindStore(state, drv, data);
      if (m[2] === 'new_id') return this.newIdStore(state, drv, data);
      return removeIdStore(drv, data);
    }
    if (path.basename(real) === 'driver_override' && this.isPciDevice(path.dirname(real))) return this.overrideStore(path.dirname(real), data);
    return 'EACCES'; // an attribute without a store method
  }

  private isPciDevice(dir: string): boolean {
    return this.tree.linkTarget(`${PCI_BUS}/devices/${path.basename(dir)}`) === dir;
  }

  /** bus_find_device_by_name(): the name must match exactly, one trailing newline allowed (sysfs_streq). */
  private findDevice(data: string): string | null {
    const name = normalizeValue(data);
    if (name === '' || name.includes('/') || name === '.' || name === '..') return null;
    return this.tree.linkTarget(`${PCI_BUS}/devices/${name}`);
  }

  private override(dir: string): string | null {
    const v = this.tree.read(`${dir}/driver_override`);
    if (v === null) return null;
    const s = v.replace(/\n$/, '');
    return s === '(null)' ? null : s;
  }

  /** driver_set_override(): no validation; cut at the first NUL and newline; empty clears. */
  private overrideStore(dir: string, data: string): Errno {
    if (data.length >= PAGE_SIZE - 1) return 'EINVAL';
    const s = data.split('\0')[0].split('\n')[0];
    this.tree.file(`${dir}/driver_override`, s === '' ? '(null)\n' : `${s}\n`);
    return null;
  }

  private matches(drv: SimDriver, dir: string): boolean {
    return driverMatches(drv, readDeviceIds(this.tree, dir), this.override(dir));
  }

  /** really_probe(): the IOMMU group is set up first (DMA is configured at probe time), then the driver's probe. */
  private probe(state: KernelState, drv: SimDriver, dir: string): Errno {
    if (drv.name === 'vfio-pci' && headerType(this.tree, dir) !== 0) return 'EINVAL'; // vfio-pci takes endpoints only
    const group = this.ensureGroup(dir);
    linkDriver(this.tree, dir, PCI_BUS, drv.name);
    const children = state.driverChildren[path.basename(dir)];
    if (children?.driver === drv.name) for (const [rel, content] of Object.entries(children.files)) this.tree.file(`${dir}/${rel}`, content);
    this.refreshVfioNode(group);
    return null;
  }

  private release(state: KernelState, dir: string): void {
    const driver = driverOf(this.tree, dir);
    if (!driver) return;
    const files = captureDriverChildren(this.tree, dir);
    if (Object.keys(files).length) state.driverChildren[path.basename(dir)] = { driver, files };
    removeDriverChildren(this.tree, dir);
    unlinkDriver(this.tree, dir);
    const group = groupOf(this.tree, dir);
    if (group !== null) this.refreshVfioNode(group);
  }

  /** device_attach(): first driver that matches and probes; a failing probe lets the next one try. */
  private attach(state: KernelState, dir: string): void {
    if (driverOf(this.tree, dir)) return;
    for (const drv of state.drivers) {
      if (!this.tree.exists(`${PCI_BUS}/drivers/${drv.name}`)) continue;
      if (this.matches(drv, dir) && this.probe(state, drv, dir) === null) return;
    }
  }

  private driversProbe(state: KernelState, data: string): Errno {
    const dir = this.findDevice(data);
    if (!dir) return 'ENODEV';
    this.attach(state, dir);
    return null;
  }

  private bindStore(state: KernelState, drv: SimDriver, data: string): Errno {
    const dir = this.findDevice(data);
    if (!dir || !this.matches(drv, dir)) return 'ENODEV';
    if (driverOf(this.tree, dir)) return 'EBUSY';
    return this.probe(state, drv, dir);
  }

  private unbindStore(state: KernelState, drv: SimDriver, data: string): Errno {
    const dir = this.findDevice(data);
    if (!dir || driverOf(this.tree, dir) !== drv.name) return 'ENODEV';
    this.release(state, dir);
    return null;
  }

  /** new_id_store(): adds a dynamic id, then binds EVERY unbound device it matches (driver_attach). */
  private newIdStore(state: KernelState, drv: SimDriver, data: string): Errno {
    const f = scanHex(data);
    if (f.length < 2) return 'EINVAL';
    const id: PciMatch = { vendor: f[0], device: f[1], subvendor: f[2] ?? ANY_ID, subdevice: f[3] ?? ANY_ID, class: f[4] ?? 0, classMask: f[5] ?? 0 };
    if (f.length !== 7) {
      const probe = { vendor: id.vendor, device: id.device, subvendor: id.subvendor, subdevice: id.subdevice, class: id.class };
      if (driverMatches(drv, probe, null)) return 'EEXIST';
    }
    drv.dynIds.push(id);
    for (const dir of pciDeviceDirs(this.tree).values()) {
      if (!driverOf(this.tree, dir) && this.matches(drv, dir)) this.probe(state, drv, dir);
    }
    return null;
  }

  /** Group of a device that has none yet: its slot siblings' group, else its upstream bridge's, else a new one. */
  private ensureGroup(dir: string): number {
    const own = groupOf(this.tree, dir);
    if (own !== null) return own;
    const parent = path.dirname(dir);
    const slot = path.basename(dir).slice(0, -1); // "0000:03:00."
    const sibling = this.tree
      .list(parent)
      .filter((n) => n.startsWith(slot) && n !== path.basename(dir))
      .map((n) => groupOf(this.tree, `${parent}/${n}`))
      .find((g) => g !== null);
    const group = sibling ?? groupOf(this.tree, parent) ?? lowestFreeGroup(this.tree);
    addToGroup(this.tree, dir, group);
    return group;
  }

  /** /dev/vfio/N exists while at least one device of group N is bound to vfio-pci. */
  private refreshVfioNode(group: number): void {
    const members = this.tree.list(`${GROUPS}/${group}/devices`).map((n) => this.tree.linkTarget(`${GROUPS}/${group}/devices/${n}`));
    const onVfio = members.some((dir) => dir && driverOf(this.tree, dir) === 'vfio-pci');
    const node = `dev/vfio/${group}`;
    if (onVfio && !this.tree.exists(node)) this.tree.file(node, '');
    if (!onVfio && this.tree.exists(node)) this.tree.remove(node);
  }
}

/** A driver directory the state does not know yet (loaded after adoption) has an empty match table. */
function driverNamed(state: KernelState, name: string): SimDriver {
  let drv = state.drivers.find((d) => d.name === name);
  if (!drv) {
    drv = { name, ids: [], dynIds: [] };
    state.drivers.push(drv);
  }
  return drv;
}

/** remove_id_store(): removes a dynamic id; bound devices stay bound. */
function removeIdStore(drv: SimDriver, data: string): Errno {
  const f = scanHex(data);
  if (f.length < 2) return 'EINVAL';
  const want = { vendor: f[0], device: f[1], subvendor: f[2] ?? ANY_ID, subdevice: f[3] ?? ANY_ID, class: f[4] ?? 0, classMask: f[5] ?? 0 };
  const i = drv.dynIds.findIndex(
    (d) => d.vendor === want.vendor && d.device === want.device && d.subvendor === want.subvendor && d.subdevice === want.subdevice && d.class === want.class && d.classMask === want.classMask,
  );
  if (i < 0) return 'ENODEV';
  drv.dynIds.splice(i, 1);
  return null;
}

/** sscanf(buf, "%x %x %x %x %x %x %lx"): hex fields until the first that does not parse. */
function scanHex(data: string): number[] {
  const out: number[] = [];
  for (const tok of data.trim().split(/\s+/).slice(0, 7)) {
    const m = tok.match(/^(0x)?([0-9a-fA-F]+)/i);
    if (!m) break;
    out.push(parseInt(m[2], 16) >>> 0);
    if (m[0].length !== tok.length) break;
  }
  return out;
}

/** Header type from config space; class 0x0604xx when there is no config file. */
function headerType(tree: Tree, dir: string): number {
  const cfg = tree.read(`${dir}/config`);
  if (cfg !== null && cfg.length > 0x0e) return cfg.charCodeAt(0x0e) & 0x7f;
  return readDeviceIds(tree, dir).class >> 8 === 0x0604 ? 1 : 0;
}
