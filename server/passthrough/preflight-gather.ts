// Gathers preflight facts: the Host snapshot plus read-only checks of this machine's process
// (limits, /dev/kvm, qemu, dtc). Never reads the host's /sys or /dev/vfio: that comes from the snapshot.
import fs from 'node:fs';
import type { HostMode, HostSnapshot } from '../host/types';
import { isOrin } from '../host/boards';
import { ofNodePath, readBootedTree } from '../devicetree/booted-tree';
import { parseFdt } from '../devicetree/fdt';
import { dtcVersion, defaultTools } from '../devicetree/overlay-apply';
import { findController } from '../devicetree/targets';
import type { ControllerInGroup, PreflightFacts } from './preflight';
import { programVersion } from '../proc/run';
import { dataDiskSpace } from '../disk-space';

export interface GatherOptions {
  mode: HostMode;
  /** the Host's root ("/" or the simulated Orin), where /sys/firmware/fdt is read */
  root: string;
  qemuBinary: string;
  guestRamBytes: number;
  procLimitsPath?: string;
  kvmPath?: string;
  dtc?: string;
  /** jetvm's data directory, whose free space is checked */
  dataDir?: string;
}

/** Soft "Max locked memory" from a /proc/<pid>/limits text: bytes, null for unlimited, undefined if absent. */
export function parseMemlock(limits: string): number | null | undefined {
  const line = limits.split('\n').find((l) => l.startsWith('Max locked memory'));
  const soft = line?.slice('Max locked memory'.length).trim().split(/\s+/)[0];
  if (soft === undefined) return undefined;
  if (soft === 'unlimited') return null;
  return /^\d+$/.test(soft) ? Number(soft) : undefined;
}

export function kvmState(kvmPath = '/dev/kvm'): PreflightFacts['kvm'] {
  if (!fs.existsSync(kvmPath)) return 'missing';
  try {
    fs.accessSync(kvmPath, fs.constants.R_OK | fs.constants.W_OK);
    return 'usable';
  } catch {
    return 'no-access';
  }
}

export async function qemuVersion(binary: string): Promise<string | null> {
  return (await programVersion(binary))?.replace(/^QEMU emulator version\s*/, '').trim() || null;
}

/**
 * Each PCIe controller that still shares an IOMMU group with PCI devices, with what the booted tree
 * (/sys/firmware/fdt) says about its `iommus`: set means the overlay was not applied at boot.
 */
export async function controllersInGroups(root: string, snapshot: HostSnapshot): Promise<ControllerInGroup[] | null> {
  const held = snapshot.groups.flatMap((g) =>
    g.members.some((m) => m.kind === 'pci') ? g.members.filter((m) => m.kind === 'platform').map((m) => ({ name: m.name, group: g.id })) : [],
  );
  let tree;
  try {
    tree = parseFdt(await readBootedTree(root));
  } catch {
    return held.length ? held.map((h) => ({ controller: h.name, group: h.group, path: null, iommus: null })) : null;
  }
  return Promise.all(
    held.map(async (h) => {
      try {
        const t = findController(tree, h.name, await ofNodePath(root, h.name));
        return { controller: h.name, group: h.group, path: t.path, iommus: t.iommus };
      } catch {
        return { controller: h.name, group: h.group, path: null, iommus: null };
      }
    }),
  );
}

export async function gatherPreflightFacts(snapshot: HostSnapshot, opts: GatherOptions): Promise<PreflightFacts> {
  const [qemu, dtc, controllers] = await Promise.all([
    qemuVersion(opts.qemuBinary),
    dtcVersion({ ...defaultTools, dtc: opts.dtc ?? defaultTools.dtc }),
    controllersInGroups(opts.root, snapshot),
  ]);
  let limits: string | null = null;
  try {
    limits = fs.readFileSync(opts.procLimitsPath ?? '/proc/self/limits', 'utf8');
  } catch {
    /* not Linux, or no /proc */
  }
  return {
    mode: opts.mode,
    isOrin: isOrin(snapshot),
    iommuGroups: snapshot.groups.length,
    vfioPciDriver: snapshot.vfio.vfioPciDriver,
    vfioContainerNode: snapshot.vfio.containerNode,
    allowUnsafeInterrupts: snapshot.vfio.allowUnsafeInterrupts,
    interruptRemapping: snapshot.vfio.interruptRemapping,
    memlockBytes: limits === null ? undefined : parseMemlock(limits),
    privileged: typeof process.getuid === 'function' && process.getuid() === 0,
    guestRamBytes: opts.guestRamBytes,
    kvm: kvmState(opts.kvmPath),
    qemu: { binary: opts.qemuBinary, version: qemu },
    dtcVersion: dtc,
    controllersInGroups: controllers,
    dataDisk: opts.dataDir ? dataDiskSpace(opts.dataDir) : null,
  };
}
