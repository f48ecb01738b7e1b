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

const ADDRESS = /^([0-9a-f]{4}):([0-9a-f]{2}):([0-1][0-9a-f])\.([0-7])$/;

export function parseAddress(address: string): { domain: number; bus: number; slot: number; fn: number } | null {
  const m = ADDRESS.exec(address);
  if (!m) return null;
  return { domain: parseInt(m[1], 16), bus: parseInt(m[2], 16), slot: parseInt(m[3], 16), fn: parseInt(m[4], 10) };
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
    out.set(address, { address, fn: parseAddress(address)?.fn ?? 0, device });
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
    const slot = f.address.slice(0, 10);
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
