import type { GroupMember, IommuGroup, PciDevice } from '../types';
import { isPciAddress } from '../../../common/pci-address';
import type { Tree } from './tree';

const GROUPS = 'sys/kernel/iommu_groups';

/**
 * Every IOMMU group with ALL its members, PCI or not (on a Jetson the platform PCIe controller
 * is a member, which is what makes the group non-viable). Drivers of PCI members come from the
 * device scan; others from the member's own `driver` link.
 */
export function scanGroups(tree: Tree, devices: PciDevice[], vfioNodes: Set<number>): IommuGroup[] {
  const byAddress = new Map(devices.map((d) => [d.address, d]));
  const groups: IommuGroup[] = [];
  for (const entry of tree.list(GROUPS) ?? []) {
    if (!/^\d+$/.test(entry)) continue;
    const id = Number(entry);
    const dir = `${GROUPS}/${entry}/devices`;
    const members: GroupMember[] = [];
    for (const name of tree.list(dir, { warnIfMissing: true }) ?? []) {
      members.push(member(tree, `${dir}/${name}`, name, byAddress));
    }
    groups.push({ id, members, vfioNode: vfioNodes.has(id) });
  }
  groups.sort((a, b) => a.id - b.id);
  checkAgreement(tree, devices, groups);
  return groups;
}

function member(tree: Tree, link: string, name: string, byAddress: Map<string, PciDevice>): GroupMember {
  const scanned = byAddress.get(name);
  if (scanned) return { kind: 'pci', name: scanned.address, driver: scanned.driver };
  const target = tree.resolve(link);
  const driver = target === null ? null : tree.linkBase(`${target}/driver`);
  if (isPciAddress(name)) return { kind: 'pci', name, driver };
  return { kind: target?.split('/').includes('platform') ? 'platform' : 'other', name, driver };
}

/** A device's iommu_group link and the group's member list must tell the same story. */
function checkAgreement(tree: Tree, devices: PciDevice[], groups: IommuGroup[]): void {
  const memberOf = new Map<string, number>();
  for (const g of groups) for (const m of g.members) memberOf.set(m.name, g.id);
  for (const d of devices) {
    if (d.iommuGroup === null) continue;
    if (memberOf.get(d.address) !== d.iommuGroup) {
      tree.warn(`${d.sysfsPath}/iommu_group`, `links to group ${d.iommuGroup}, but ${GROUPS}/${d.iommuGroup}/devices does not list ${d.address}`, d.address);
    }
  }
}
