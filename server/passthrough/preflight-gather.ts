// Gathers preflight facts: the Host snapshot, the machine's facts under the host's root (limits,
// /dev/kvm: the simulated board's in sim mode) and the tools (qemu, dtc).
import { readMachineFacts } from '../host/machine-facts';
import type { HostMode, HostSnapshot } from '../host/types';
import { isOrin } from '../host/boards';
import { ofNodePath, readBootedTree } from '../devicetree/booted-tree';
import { parseFdt } from '../devicetree/fdt';
import { dtcVersion, defaultTools } from '../devicetree/overlay-apply';
import { findController } from '../devicetree/targets';
import type { ControllerInGroup, PreflightFacts } from './preflight';
import { qemuVersion } from '../vm/qemu-version';
import { dataDiskSpace } from '../disk-space';

export interface GatherOptions {
  mode: HostMode;
  /** the Host's root ("/" or the simulated Orin), where /sys/firmware/fdt is read */
  root: string;
  qemuBinary: string;
  guestRamBytes: number;
  dtc?: string;
  /** jetvm's data directory, whose free space is checked */
  dataDir?: string;
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
  // the board's, read under the host's root: the simulated Orin's in sim mode (preflight needs no IPA size)
  const machine = readMachineFacts({ root: opts.root }, { kernelLog: false });
  return {
    mode: opts.mode,
    isOrin: isOrin(snapshot),
    iommuGroups: snapshot.groups.length,
    vfioPciDriver: snapshot.vfio.vfioPciDriver,
    vfioContainerNode: snapshot.vfio.containerNode,
    allowUnsafeInterrupts: snapshot.vfio.allowUnsafeInterrupts,
    interruptRemapping: snapshot.vfio.interruptRemapping,
    memlockBytes: machine.memlockBytes,
    privileged: machine.privileged,
    guestRamBytes: opts.guestRamBytes,
    kvm: machine.kvm,
    qemu: { binary: opts.qemuBinary, version: qemu?.full ?? null },
    dtcVersion: dtc,
    controllersInGroups: controllers,
    dataDisk: opts.dataDir ? dataDiskSpace(opts.dataDir) : null,
    machine: { cpus: machine.cpus, memoryBytes: machine.memoryBytes, l4tRelease: machine.l4tRelease, kernelCmdline: machine.kernelCmdline },
  };
}
