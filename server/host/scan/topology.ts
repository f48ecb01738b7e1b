import type { ParentRef, PciDevice } from '../types';
import { isPciAddress, pciSlotOf, type PciAddress } from '../../../common/pci-address';
import type { Tree } from './tree';

const HOST_BRIDGE = /^pci[0-9a-f]{4,5}:[0-9a-f]{2}$/;
/** Directories that group devices rather than being one: the walk up stops at them. */
const CONTAINERS = new Set(['devices', 'platform', 'sys', '']);

/**
 * The chain above a device, nearest first, read from its real path
 * ("sys/devices/platform/14100000.pcie/pci0001:00/0001:00:00.0/0001:01:00.0"):
 * PCI bridges, the host bridge, then the controller that owns the host bridge (a platform
 * device on ARM; 'other' elsewhere). `driverOf` answers for a directory relative to the root.
 */
export function parentChain(sysfsPath: string, driverOf: (dir: string, name: string) => string | null): ParentRef[] {
  const parts = sysfsPath.split('/');
  const parents: ParentRef[] = [];
  for (let i = parts.length - 2; i >= 0; i--) {
    const name = parts[i];
    const dir = parts.slice(0, i + 1).join('/');
    if (isPciAddress(name)) {
      parents.push({ kind: 'pci', name, driver: driverOf(dir, name) });
    } else if (HOST_BRIDGE.test(name)) {
      parents.push({ kind: 'host-bridge', name, driver: null });
    } else {
      if (!CONTAINERS.has(name)) {
        const kind = parts.slice(0, i).includes('platform') ? 'platform' : 'other';
        parents.push({ kind, name, driver: driverOf(dir, name) });
      }
      break;
    }
  }
  return parents;
}

/**
 * Fills parents, rootPort and siblings. The root port is the topmost PCI bridge under the host
 * bridge (config space is not read, so a conventional bridge on the root bus counts as one too).
 */
export function linkTopology(tree: Tree, devices: PciDevice[]): void {
  const byAddress = new Map<string, PciDevice>(devices.map((d) => [d.address, d]));
  const driverCache = new Map<string, string | null>();
  const driverOf = (dir: string, name: string): string | null => {
    const scanned = byAddress.get(name);
    if (scanned) return scanned.driver;
    let driver = driverCache.get(dir);
    if (driver === undefined) {
      driver = tree.linkBase(`${dir}/driver`);
      driverCache.set(dir, driver);
    }
    return driver;
  };

  const bySlot = new Map<string, PciAddress[]>();
  for (const d of devices) {
    const key = pciSlotOf(d.address);
    const list = bySlot.get(key);
    if (list) list.push(d.address);
    else bySlot.set(key, [d.address]);
  }

  for (const d of devices) {
    d.parents = parentChain(d.sysfsPath, driverOf);
    const bridges = d.parents.filter((p) => p.kind === 'pci');
    const underHostBridge = d.parents[0]?.kind === 'host-bridge';
    if (bridges.length > 0) d.rootPort = bridges[bridges.length - 1].name;
    else d.rootPort = d.isBridge && underHostBridge ? d.address : null;
    d.siblings = (bySlot.get(pciSlotOf(d.address)) ?? []).filter((a) => a !== d.address);
  }
}
