import type { Mount, VfioState } from '../types';
import type { Tree } from './tree';

/** /dev/vfio nodes, the vfio-pci driver and the type1 IOMMU's allow_unsafe_interrupts switch. */
export function scanVfio(tree: Tree): VfioState {
  const nodes = tree.list('dev/vfio') ?? [];
  const unsafe = tree.text('sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts');
  return {
    containerNode: nodes.includes('vfio'),
    groupNodes: nodes.filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b),
    vfioPciDriver: tree.has('sys/bus/pci/drivers/vfio-pci'),
    allowUnsafeInterrupts: parseYesNo(tree, unsafe),
    interruptRemapping: interruptRemapping(tree.text('proc/interrupts')),
  };
}

/** Remapping interrupt chips in /proc/interrupts: "IR-PCI-MSI", "IR-IO-APIC" (x86 IOMMUs), "ITS-MSI" (GICv3 ITS). */
export function interruptRemapping(interrupts: string | null): boolean | null {
  if (interrupts === null) return null;
  return /\s(IR-[A-Z]|ITS-MSI)/.test(interrupts);
}

function parseYesNo(tree: Tree, text: string | null): boolean | null {
  if (text === null) return null;
  const v = text.trim();
  if (v === 'Y' || v === '1') return true;
  if (v === 'N' || v === '0') return false;
  tree.warn('sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts', `expected Y or N, read ${JSON.stringify(v.slice(0, 20))}`);
  return null;
}

/** <root>/proc/device-tree/compatible: NUL-separated strings, most specific first. */
export function scanDtCompatible(tree: Tree): string[] {
  const raw = tree.text('proc/device-tree/compatible', undefined, 'latin1');
  return raw === null ? [] : raw.split('\0').filter((s) => s.length > 0);
}

/** /proc/mounts lines: "source target fstype options 0 0", with octal escapes for spaces (\040). */
export function parseMounts(text: string): Mount[] {
  const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return text
    .split('\n')
    .map((line) => line.split(' '))
    .filter((f) => f.length >= 3 && f[0] !== '')
    .map(([source, target, fstype]) => ({ source: unescape(source), target: unescape(target), fstype }));
}

/** Interfaces with a default route (destination and mask 0) in /proc/net/route. */
export function parseDefaultRoutes(text: string): string[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').trim().split(/\s+/);
  const [iface, dest, mask] = ['Iface', 'Destination', 'Mask'].map((h) => header.indexOf(h));
  if (iface < 0 || dest < 0 || mask < 0) return [];
  const out = new Set<string>();
  for (const line of lines) {
    const f = line.trim().split(/\s+/);
    if (f[dest] === '00000000' && f[mask] === '00000000') out.add(f[iface]);
  }
  return [...out];
}

export function scanMounts(tree: Tree): Mount[] {
  const text = tree.text('proc/mounts');
  return text === null ? [] : parseMounts(text);
}

export function scanDefaultRoutes(tree: Tree): string[] {
  const text = tree.text('proc/net/route');
  return text === null ? [] : parseDefaultRoutes(text);
}

/** `kernel-release` (what the rig's snapshots and the simulator write), else proc/sys/kernel/osrelease. */
export function scanKernelRelease(tree: Tree): string | null {
  const text = tree.text('kernel-release') ?? tree.text('proc/sys/kernel/osrelease');
  return text === null || text.trim() === '' ? null : text.trim();
}

export function scanDrivers(tree: Tree): string[] {
  return tree.list('sys/bus/pci/drivers') ?? [];
}
