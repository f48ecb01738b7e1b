// The unit of passthrough is the IOMMU group, not the function: work out everything a plan covers.
import type { HostSnapshot, IommuGroup, PciAddress, PciDevice } from '../host/types';
import { pciSlotOf } from '../../common/pci-address';

export interface GroupScope {
  groupId: number | null;
  group: IommuGroup | null;
  /** endpoints to bind or release, address order: group members plus group-less functions of the slot / root port */
  endpoints: PciDevice[];
  /** group-less endpoints among `endpoints` (they join the group when a driver probes them) */
  groupless: PciAddress[];
  /** bridges and host bridges in the group: left alone */
  bridges: PciDevice[];
  /** platform (and other non-PCI) members, e.g. the Orin's PCIe controller */
  platformMembers: string[];
}

/** Bridges of any kind (class 06xx: host, PCI-to-PCI, root ports) are never handed to vfio-pci. */
export function isBridgeLike(d: PciDevice): boolean {
  return d.isBridge || d.class.code.startsWith('06');
}

/** Keyed by plain strings so any text (a user's input, a plan's target) can be looked up. */
export function byAddress(snapshot: HostSnapshot): Map<string, PciDevice> {
  return new Map(snapshot.devices.map((d) => [d.address, d]));
}

export function resolveGroupScope(snapshot: HostSnapshot, target: PciDevice): GroupScope {
  const devices = byAddress(snapshot);
  const rootPort = target.rootPort && target.rootPort !== target.address ? devices.get(target.rootPort) : undefined;
  // A device without a driver may have no group link yet (ARM: the group is made at probe time):
  // it belongs with its root port's group.
  const groupId = target.iommuGroup ?? rootPort?.iommuGroup ?? null;
  const group = groupId === null ? null : (snapshot.groups.find((g) => g.id === groupId) ?? null);

  const members = new Map<PciAddress, PciDevice>();
  const platformMembers: string[] = [];
  if (groupId !== null) {
    for (const m of group?.members ?? []) {
      if (m.kind !== 'pci') platformMembers.push(m.name);
      else if (devices.has(m.name)) members.set(m.name, devices.get(m.name)!);
    }
    for (const d of snapshot.devices) if (d.iommuGroup === groupId) members.set(d.address, d);
  }
  members.set(target.address, target);

  const anchorPorts = new Set<PciAddress>();
  const anchorSlots = new Set<string>([pciSlotOf(target.address)]);
  for (const d of members.values()) {
    if (d.rootPort) anchorPorts.add(d.rootPort);
    if (!isBridgeLike(d)) anchorSlots.add(pciSlotOf(d.address));
  }
  const groupless: PciAddress[] = [];
  for (const d of snapshot.devices) {
    if (d.iommuGroup !== null || members.has(d.address) || isBridgeLike(d)) continue;
    if ((d.rootPort && anchorPorts.has(d.rootPort)) || anchorSlots.has(pciSlotOf(d.address))) {
      members.set(d.address, d);
      groupless.push(d.address);
    }
  }
  if (target.iommuGroup === null && !groupless.includes(target.address)) groupless.push(target.address);

  const sorted = [...members.values()].sort((a, b) => a.address.localeCompare(b.address));
  return {
    groupId,
    group,
    endpoints: sorted.filter((d) => !isBridgeLike(d)),
    groupless: groupless.sort(),
    bridges: sorted.filter(isBridgeLike),
    platformMembers: platformMembers.sort(),
  };
}
