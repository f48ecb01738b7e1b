import type { HostSnapshot, PciDevice } from '../types';
import type { BoardProfile, ControllerDef, SlotDef } from './types';

const SOURCE = 'generated from the scan: one slot per PCIe root port, grouped by PCI domain';

export function domainHex(domain: number): string {
  return domain.toString(16).padStart(4, '0');
}

/** Root ports: bridges directly below a host bridge (each is its own rootPort). */
export function rootPorts(snapshot: HostSnapshot): PciDevice[] {
  return snapshot.devices.filter((d) => d.isBridge && d.rootPort === d.address);
}

/** The controller a root port hangs from: its platform device on ARM, else its host bridge. */
function controllerName(rp: PciDevice): string {
  const outer = rp.parents.find((p) => p.kind === 'platform' || p.kind === 'other');
  return outer?.name ?? rp.parents.find((p) => p.kind === 'host-bridge')?.name ?? `pci${domainHex(rp.domain)}`;
}

/** A board we know nothing about: its slots are its root ports, as the scan finds them. */
export function genericProfile(snapshot: HostSnapshot): BoardProfile {
  const ports = rootPorts(snapshot).sort((a, b) => a.address.localeCompare(b.address));
  const controllers = new Map<number, ControllerDef>();
  for (const rp of ports) {
    const lanes = rp.link?.maxWidth ?? 0;
    const known = controllers.get(rp.domain);
    if (known) known.lanes = Math.max(known.lanes, lanes);
    else
      controllers.set(rp.domain, {
        id: `D${domainHex(rp.domain)}`,
        platformDevice: controllerName(rp),
        domain: rp.domain,
        lanes,
        source: SOURCE,
      });
  }
  const slots: SlotDef[] = ports.map((rp) => ({
    id: rp.address,
    name: `Root port ${rp.address}`,
    kind: 'root-port',
    controller: `D${domainHex(rp.domain)}`,
    domain: rp.domain,
    lanes: rp.link?.maxWidth ?? 0,
    powerBudgetW: null,
    powerBudgetSource: null,
    location: `PCI domain ${domainHex(rp.domain)}, behind ${controllerName(rp)}`,
    notes: [],
    source: SOURCE,
  }));
  return { id: 'generic', name: 'Generic PCIe host', controllers: [...controllers.values()], slots };
}
