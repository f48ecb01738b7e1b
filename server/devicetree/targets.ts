// Which device-tree node is a PCIe controller, and how an overlay can name it: by its label when the
// tree's __symbols__ has one (JetPack 5: &pcie_c5_rp), by full path otherwise (JetPack 6:
// &{/bus@0/pcie@141a0000}). Everything is read from the tree; nothing about names is assumed.
import { DomainError } from '../errors';
import { type FdtNode, nodeAt, propString, walk } from './fdt';

export interface ControllerTarget {
  /** the platform device, "141a0000.pcie" */
  platformDevice: string;
  /** its node, "/bus@0/pcie@141a0000" */
  path: string;
  /** a label __symbols__ gives the node, or null */
  label: string | null;
  /** how the overlay refers to the node: "&pcie_c5_rp" or "&{/bus@0/pcie@141a0000}" */
  ref: string;
  /** the node's `iommus`: absent (mainline style), empty (already taken out) or set */
  iommus: 'absent' | 'empty' | 'set';
  /** its `linux,pci-domain`, when it has one */
  domain: number | null;
}

/** The tree has no (single) node for a controller the caller named. */
export class TargetError extends DomainError {
  readonly kind = 'not-found';
  readonly code = 'dt-node-not-found';
}

/** "141a0000.pcie" → the node name the kernel made it from ("%llx.%pOFn"): name "pcie", unit 0x141a0000. */
const PLATFORM_DEVICE = /^([0-9a-f]{1,16})\.([A-Za-z][A-Za-z0-9,._+-]*)$/;

export function isPlatformDeviceName(s: string): boolean {
  return PLATFORM_DEVICE.test(s);
}

function unitOf(node: FdtNode): { name: string; unit: bigint | null } {
  const at = node.name.indexOf('@');
  if (at < 0) return { name: node.name, unit: null };
  const unit = node.name.slice(at + 1);
  return { name: node.name.slice(0, at), unit: /^[0-9a-f]{1,16}$/i.test(unit) ? BigInt('0x' + unit) : null };
}

/** Node path → its labels, from __symbols__ (present when the tree was compiled with dtc -@). */
export function labelsByPath(root: FdtNode): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const symbols = nodeAt(root, '/__symbols__');
  if (!symbols) return out;
  for (const label of [...symbols.props.keys()].sort()) {
    const p = propString(symbols, label);
    if (p) out.set(p, [...(out.get(p) ?? []), label]);
  }
  return out;
}

function isPcieController(n: FdtNode): boolean {
  const u = unitOf(n);
  return u.name === 'pcie' && u.unit !== null && n.props.has('linux,pci-domain');
}

function domainOf(n: FdtNode): number | null {
  const v = n.props.get('linux,pci-domain');
  return v && v.length === 4 ? v.readUInt32BE(0) : null;
}

/** The PCIe controllers the tree describes (nodes named pcie@… with a linux,pci-domain), as platform device names. */
export function pcieControllers(root: FdtNode): { platformDevice: string; path: string; domain: number | null }[] {
  return [...walk(root)]
    .filter(isPcieController)
    .map((n) => ({ platformDevice: `${unitOf(n).unit!.toString(16)}.pcie`, path: n.path, domain: domainOf(n) }))
    .sort((a, b) => a.platformDevice.localeCompare(b.platformDevice));
}

function target(root: FdtNode, node: FdtNode, platformDevice: string): ControllerTarget {
  const label = labelsByPath(root).get(node.path)?.[0] ?? null;
  const iommus = node.props.get('iommus');
  return {
    platformDevice,
    path: node.path,
    label,
    ref: label ? `&${label}` : `&{${node.path}}`,
    iommus: iommus === undefined ? 'absent' : iommus.length === 0 ? 'empty' : 'set',
    domain: domainOf(node),
  };
}

/**
 * The node of a platform device. `ofNodePath` (what the device's of_node link points at, on a running
 * board) wins; otherwise the node is found by name and unit address wherever it sits.
 */
export function findController(root: FdtNode, platformDevice: string, ofNodePath?: string | null): ControllerTarget {
  if (ofNodePath) {
    const node = nodeAt(root, ofNodePath);
    if (!node) throw new TargetError(`${platformDevice}'s of_node says ${ofNodePath}, but the device tree has no such node`);
    return target(root, node, platformDevice);
  }
  const m = PLATFORM_DEVICE.exec(platformDevice);
  if (!m) throw new TargetError(`${JSON.stringify(platformDevice)} is not a platform device name like 141a0000.pcie`);
  const unit = BigInt('0x' + m[1]);
  const found = [...walk(root)].filter((n) => {
    const u = unitOf(n);
    return u.name === m[2] && u.unit === unit;
  });
  if (found.length === 1) return target(root, found[0], platformDevice);
  if (found.length > 1) throw new TargetError(`${platformDevice} matches more than one node: ${found.map((n) => n.path).join(', ')}`);
  const known = pcieControllers(root).map((c) => c.platformDevice);
  throw new TargetError(
    `the device tree has no node for ${platformDevice} (no ${m[2]}@${m[1]} anywhere in it)` +
      (known.length ? `; its PCIe controllers are ${known.join(', ')}` : '; it describes no PCIe controller'),
  );
}

/** The controller whose `linux,pci-domain` is this PCI domain (0005:01:00.0 → 5). */
export function findControllerByDomain(root: FdtNode, domain: number): ControllerTarget {
  const nodes = [...walk(root)].filter((n) => isPcieController(n) && domainOf(n) === domain);
  if (nodes.length !== 1) {
    throw new TargetError(
      nodes.length === 0
        ? `the device tree has no PCIe controller with linux,pci-domain = ${domain} (PCI domain ${domain.toString(16).padStart(4, '0')})`
        : `more than one PCIe controller claims PCI domain ${domain}: ${nodes.map((n) => n.path).join(', ')}`,
    );
  }
  return target(root, nodes[0], `${unitOf(nodes[0]).unit!.toString(16)}.pcie`);
}
