import type { HostSnapshot, PciDevice } from '../types';
import { loadPciIds, type PciIds } from '../pciids';
import { parsePciAddress } from '../../../common/pci-address';
import { scanDevice } from './device';
import { scanGroups } from './groups';
import { scanDefaultRoutes, scanDrivers, scanDtCompatible, scanKernelRelease, scanMounts, scanVfio } from './system';
import { linkTopology } from './topology';
import { Tree } from './tree';

export interface ScanOptions {
  /** pci.ids to name devices with (default: the system's, as lspci finds it) */
  pciIdsPath?: string;
  /** already-parsed names (tests, benchmarks) */
  pciIds?: PciIds;
}

const DEVICES = 'sys/bus/pci/devices';

/**
 * Reads a sysfs-shaped tree (the real "/" or a simulated/snapshotted one) into one HostSnapshot.
 * Read-only: never opens config, rom, resourceN, vpd, remove or reset. A damaged tree yields
 * warnings (per device and in `snapshot.warnings`) and everything else still gets reported.
 */
export function scanHost(root: string, opts: ScanOptions = {}): HostSnapshot {
  const tree = new Tree(root);
  const ids = opts.pciIds ?? loadPciIds(opts.pciIdsPath);

  const devices: PciDevice[] = [];
  const entries = tree.list(DEVICES, { warnIfMissing: true }) ?? [];
  for (const entry of entries) {
    const address = parsePciAddress(entry);
    if (!address) {
      tree.warn(`${DEVICES}/${entry}`, 'not a PCI address (DDDD:BB:DD.F); skipped');
      continue;
    }
    // whether the link leads anywhere is asked only when the device's files are not there (a syscall per device)
    const dir = tree.resolve(`${DEVICES}/${address}`, address, { checkTarget: false });
    if (dir === null) continue;
    const device = scanDevice(tree, ids, address, dir);
    if (device) devices.push(device);
    else tree.resolve(`${DEVICES}/${address}`, address); // reports the dangling link
  }
  linkTopology(tree, devices);

  const vfio = scanVfio(tree);
  const groups = scanGroups(tree, devices, new Set(vfio.groupNodes));
  const snapshot: HostSnapshot = {
    root: tree.root,
    takenAt: new Date().toISOString(),
    devices,
    groups,
    drivers: scanDrivers(tree),
    vfio,
    dtCompatible: scanDtCompatible(tree),
    mounts: scanMounts(tree),
    defaultRouteInterfaces: scanDefaultRoutes(tree),
    kernelRelease: scanKernelRelease(tree),
    warnings: tree.warnings,
  };
  attachDeviceWarnings(snapshot);
  return snapshot;
}

function attachDeviceWarnings(snapshot: HostSnapshot): void {
  if (snapshot.warnings.length === 0) return;
  const byAddress = new Map(snapshot.devices.map((d) => [d.address, d]));
  for (const w of snapshot.warnings) {
    if (w.device) byAddress.get(w.device)?.warnings.push(`${w.path}: ${w.message}`);
  }
}
