// Low-level writer for sysfs-shaped trees: files, relative symlinks and the few link patterns the
// kernel maintains (driver binding, IOMMU group membership, /dev/vfio nodes). Used by the
// generators (orin.ts, synthetic.ts) and by the simulated kernel, so both lay things out alike.
// Every path here is relative to the tree's root; nothing outside the root is ever touched.
import fs from 'node:fs';
import path from 'node:path';

export class Tree {
  readonly root: string;
  /** directories known to exist, so bulk generation does not mkdir for every file */
  private readonly made = new Set<string>();

  constructor(root: string) {
    if (!path.isAbsolute(root)) throw new Error(`tree root must be absolute, not ${JSON.stringify(root)}`);
    this.root = root;
  }

  abs(rel: string): string {
    const p = path.resolve(this.root, rel);
    if (p !== this.root && !p.startsWith(this.root + path.sep)) throw new Error(`path escapes the tree: ${rel}`);
    return p;
  }

  dir(rel: string): void {
    this.mkdirAbs(this.abs(rel));
  }

  private mkdirAbs(p: string): void {
    if (this.made.has(p)) return;
    fs.mkdirSync(p, { recursive: true });
    this.made.add(p);
  }

  file(rel: string, content: string | Buffer): void {
    const p = this.abs(rel);
    this.mkdirAbs(path.dirname(p));
    fs.writeFileSync(p, content);
  }

  read(rel: string): string | null {
    try {
      return fs.readFileSync(this.abs(rel), 'latin1');
    } catch {
      return null;
    }
  }

  exists(rel: string): boolean {
    try {
      fs.lstatSync(this.abs(rel));
      return true;
    } catch {
      return false;
    }
  }

  isLink(rel: string): boolean {
    try {
      return fs.lstatSync(this.abs(rel)).isSymbolicLink();
    } catch {
      return false;
    }
  }

  /** Symlink at rel pointing at targetRel, written relative like the kernel's ("../../../devices/…"). */
  link(rel: string, targetRel: string): void {
    const p = this.abs(rel);
    this.mkdirAbs(path.dirname(p));
    fs.rmSync(p, { force: true });
    fs.symlinkSync(path.relative(path.dirname(p), this.abs(targetRel)), p);
  }

  /** Where a symlink points, relative to the root; null when rel is no symlink. */
  linkTarget(rel: string): string | null {
    if (!this.isLink(rel)) return null;
    const p = this.abs(rel);
    // resolve from the link's real directory, as the kernel does ("devices/X/driver" sits in X's real dir)
    return path.relative(this.realRoot(), path.resolve(fs.realpathSync(path.dirname(p)), fs.readlinkSync(p)));
  }

  private realRootCache: string | null = null;

  private realRoot(): string {
    return (this.realRootCache ??= fs.realpathSync(this.root));
  }

  /** rel with every symlink resolved, relative to the root; null when it does not exist. */
  real(rel: string): string | null {
    try {
      return path.relative(this.realRoot(), fs.realpathSync(this.abs(rel)));
    } catch {
      return null;
    }
  }

  list(rel: string): string[] {
    try {
      return fs.readdirSync(this.abs(rel)).sort();
    } catch {
      return [];
    }
  }

  remove(rel: string): void {
    const p = this.abs(rel);
    fs.rmSync(p, { recursive: true, force: true });
    for (const d of this.made) if (d === p || d.startsWith(p + path.sep)) this.made.delete(d);
  }
}

export const PCI_BUS = 'sys/bus/pci';
export const PLATFORM_BUS = 'sys/bus/platform';
export const GROUPS = 'sys/kernel/iommu_groups';

/** sysfs formats (drivers/pci/pci-sysfs.c) */
export const hex = (n: number | bigint, digits: number): string => `0x${n.toString(16).padStart(digits, '0')}`;

/** A bus's drivers directory entry with the files every driver has. */
export function ensureDriver(tree: Tree, bus: string, driver: string, pciFiles = bus === PCI_BUS): void {
  const d = `${bus}/drivers/${driver}`;
  tree.dir(d);
  const files = pciFiles ? ['bind', 'unbind', 'new_id', 'remove_id', 'uevent'] : ['bind', 'unbind', 'uevent'];
  for (const f of files) if (!tree.exists(`${d}/${f}`)) tree.file(`${d}/${f}`, '');
}

/** The two links the kernel adds on a successful probe: <dev>/driver and <driver>/<dev name>. */
export function linkDriver(tree: Tree, devDir: string, bus: string, driver: string): void {
  ensureDriver(tree, bus, driver);
  tree.link(`${devDir}/driver`, `${bus}/drivers/${driver}`);
  tree.link(`${bus}/drivers/${driver}/${path.basename(devDir)}`, devDir);
  setUeventDriver(tree, devDir, driver);
}

export function unlinkDriver(tree: Tree, devDir: string): void {
  const target = tree.linkTarget(`${devDir}/driver`);
  if (target) tree.remove(`${target}/${path.basename(devDir)}`);
  tree.remove(`${devDir}/driver`);
  setUeventDriver(tree, devDir, null);
}

export function driverOf(tree: Tree, devDir: string): string | null {
  const target = tree.linkTarget(`${devDir}/driver`);
  return target ? path.basename(target) : null;
}

function setUeventDriver(tree: Tree, devDir: string, driver: string | null): void {
  const uevent = tree.read(`${devDir}/uevent`);
  if (uevent === null) return;
  const lines = uevent.split('\n').filter((l) => l !== '' && !l.startsWith('DRIVER='));
  if (driver) lines.unshift(`DRIVER=${driver}`);
  tree.file(`${devDir}/uevent`, lines.join('\n') + '\n');
}

export function groupOf(tree: Tree, devDir: string): number | null {
  const target = tree.linkTarget(`${devDir}/iommu_group`);
  return target ? Number(path.basename(target)) : null;
}

/** Adds a device (PCI or platform) to IOMMU group n, creating the group directory when new. */
export function addToGroup(tree: Tree, devDir: string, n: number): void {
  const g = `${GROUPS}/${n}`;
  if (!tree.exists(`${g}/type`)) tree.file(`${g}/type`, 'DMA\n');
  if (!tree.exists(`${g}/reserved_regions`)) tree.file(`${g}/reserved_regions`, '0x0000000008000000 0x00000000080fffff msi\n');
  tree.link(`${g}/devices/${path.basename(devDir)}`, devDir);
  tree.link(`${devDir}/iommu_group`, g);
}

export function groupNumbers(tree: Tree): number[] {
  return tree
    .list(GROUPS)
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
}

/** The kernel numbers groups with an IDA: the lowest number not in use. */
export function lowestFreeGroup(tree: Tree): number {
  const used = new Set(groupNumbers(tree));
  let n = 0;
  while (used.has(n)) n++;
  return n;
}
