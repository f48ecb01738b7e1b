// The end state both kernels are compared on, and each write's outcome.
import { GROUPS, PCI_BUS, Tree, driverOf, groupOf } from '../sim/tree';

export interface KernelDump {
  /** per device: driver name or "-", IOMMU group or "-", driver_override as read back */
  devices: Record<string, { driver: string; group: string; override: string }>;
  /** "driver address" for every link in /sys/bus/pci/drivers/<driver>/ */
  driverLinks: string[];
  /** group number → member names */
  groups: Record<string, string[]>;
  /** entries of /dev/vfio */
  vfio: string[];
}

export interface WriteOutcome {
  index: number;
  sequence: string;
  path: string;
  value: string;
  /** skipped: the step's onlyIfExists path was absent */
  outcome: 'ok' | 'skipped' | 'failed';
  errno?: string;
  /** the raw error text (the rig's shell message, or the simulator's strerror text) */
  text?: string;
}

export function emptyDump(): KernelDump {
  return { devices: {}, driverLinks: [], groups: {}, vfio: [] };
}

/** Reads a KernelDump from a sysfs-shaped tree, the way the rig script reads the live one. */
export function dumpTree(root: string): KernelDump {
  const tree = new Tree(root);
  const d = emptyDump();
  for (const a of tree.list(`${PCI_BUS}/devices`)) {
    const dir = tree.linkTarget(`${PCI_BUS}/devices/${a}`)!;
    const override = (tree.read(`${dir}/driver_override`) ?? '').replace(/\n$/, '');
    d.devices[a] = { driver: driverOf(tree, dir) ?? '-', group: String(groupOf(tree, dir) ?? '-'), override };
  }
  for (const drv of tree.list(`${PCI_BUS}/drivers`)) {
    for (const e of tree.list(`${PCI_BUS}/drivers/${drv}`)) if (e.includes(':') && tree.isLink(`${PCI_BUS}/drivers/${drv}/${e}`)) d.driverLinks.push(`${drv} ${e}`);
  }
  for (const g of tree.list(GROUPS)) d.groups[g] = tree.list(`${GROUPS}/${g}/devices`);
  d.vfio = tree.list('dev/vfio');
  return normalizeDump(d);
}

export function normalizeDump(d: KernelDump): KernelDump {
  return {
    devices: Object.fromEntries(Object.entries(d.devices).sort(([a], [b]) => a.localeCompare(b))),
    driverLinks: [...d.driverLinks].sort(),
    groups: Object.fromEntries(Object.entries(d.groups).map(([g, m]) => [g, [...m].sort()]).sort(([a], [b]) => Number(a) - Number(b))),
    vfio: [...d.vfio].sort(),
  };
}

/** One line per device, for reports: "0000:03:00.0 vfio-pci g2 [vfio-pci]". */
export function summarize(d: KernelDump, only?: string[]): string {
  const devs = Object.entries(d.devices)
    .filter(([a]) => !only || only.includes(a))
    .map(([a, v]) => `${a.slice(5)}=${v.driver}/g${v.group}${v.override !== '(null)' ? `[${v.override}]` : ''}`);
  return `${devs.join(' ')} | /dev/vfio: ${d.vfio.join(' ')}`;
}
