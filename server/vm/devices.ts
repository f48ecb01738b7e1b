import { pciAddressParts, pciSlotOf } from '../../common/pci-address';
import type { HostSnapshot, PciAddress, PciDevice } from '../host/types';

export interface PassedFunction {
  address: PciAddress;
  fn: number;
  /** null when the address is not on the host (the checks report it) */
  device: PciDevice | null;
}

/** One physical card: the functions of one domain:bus:slot, passed together behind one root port. */
export interface PassedCard {
  /** "0005:01:00" */
  slot: string;
  functions: PassedFunction[];
}

/**
 * Every endpoint a VM gets: the devices it names plus every other PCI endpoint of their IOMMU groups
 * (bridges stay on the host). Sorted by address, no duplicates.
 */
export function passedEndpoints(devices: readonly PciAddress[], snapshot: HostSnapshot): PassedFunction[] {
  const byAddress = new Map(snapshot.devices.map((d) => [d.address, d]));
  const out = new Map<PciAddress, PassedFunction>();
  const add = (address: PciAddress) => {
    if (out.has(address)) return;
    const device = byAddress.get(address) ?? null;
    if (device?.isBridge) return;
    out.set(address, { address, fn: pciAddressParts(address).fn, device });
  };
  for (const address of devices) {
    add(address);
    const group = byAddress.get(address)?.iommuGroup;
    if (group === null || group === undefined) continue;
    for (const member of snapshot.groups.find((g) => g.id === group)?.members ?? []) {
      if (member.kind === 'pci') add(member.name);
    }
  }
  return [...out.values()].sort((a, b) => a.address.localeCompare(b.address));
}

export function cardsOf(functions: readonly PassedFunction[]): PassedCard[] {
  const cards = new Map<string, PassedCard>();
  for (const f of functions) {
    const slot = pciSlotOf(f.address);
    const card = cards.get(slot) ?? { slot, functions: [] };
    card.functions.push(f);
    cards.set(slot, card);
  }
  return [...cards.values()];
}

/** The class code's first two hex digits: "03" display, "04" multimedia, "02" network, "01" storage. */
export function classOf(device: PciDevice | null): string {
  return device?.class.code ?? '';
}

export function isDisplay(device: PciDevice | null): boolean {
  return classOf(device).startsWith('03');
}

/** "0005:01:00.0 10de:1fb1 TU117GL [T600]" for messages and notes. */
export function deviceLabel(f: PassedFunction): string {
  const d = f.device;
  if (!d) return `${f.address} (not on this host)`;
  const name = d.device.name ?? d.class.subclassName ?? d.class.className ?? 'device';
  return `${f.address} ${d.vendor.id}:${d.device.id} ${name}`;
}
