import type { HostSnapshot, PciDevice } from '../types';
import { genericProfile, rootPorts } from './generic';
import { orinDevkit } from './orin-devkit';
import type { BoardProfile, BoardView, SlotDef, SlotView } from './types';

/** dtCompatible entries that mean a Jetson AGX Orin (module tegra234, devkit carrier p3737-0000). */
const ORIN_COMPATIBLE = ['nvidia,tegra234', 'nvidia,p3737-0000'];
/** Platform PCIe controllers only an Orin has: C1 (M.2 Key E) and C5 (x8 slot). */
const ORIN_CONTROLLERS = ['14100000.pcie', '141a0000.pcie'];

export function isOrin(snapshot: HostSnapshot): boolean {
  // the devkit's compatible reads "nvidia,p3737-0000+p3701-0005", so match the carrier as a prefix
  if (snapshot.dtCompatible.some((c) => ORIN_COMPATIBLE.some((o) => c === o || c.startsWith(`${o}+`)))) return true;
  const platform = new Set<string>();
  for (const d of snapshot.devices) for (const p of d.parents) if (p.kind === 'platform') platform.add(p.name);
  for (const g of snapshot.groups) for (const m of g.members) if (m.kind === 'platform') platform.add(m.name);
  return ORIN_CONTROLLERS.some((c) => platform.has(c));
}

export function detectBoard(snapshot: HostSnapshot): BoardProfile {
  return isOrin(snapshot) ? orinDevkit : genericProfile(snapshot);
}

function rootPortFor(slot: SlotDef, ports: PciDevice[]): PciDevice | null {
  // a generic slot is one root port; a board slot is its controller's (first) root port
  if (slot.kind === 'root-port') return ports.find((p) => p.address === slot.id) ?? null;
  return ports.find((p) => p.domain === slot.domain) ?? null;
}

/** Which scanned devices sit in which slot: domain → root port → endpoints below it. */
export function mapBoard(snapshot: HostSnapshot, board: BoardProfile): BoardView {
  const ports = rootPorts(snapshot).sort((a, b) => a.address.localeCompare(b.address));
  const placed = new Set<string>();
  const slots: SlotView[] = board.slots.map((slot) => {
    const rootPort = rootPortFor(slot, ports);
    if (!rootPort) return { slot, rootPort: null, devices: [] };
    placed.add(rootPort.address);
    const below = snapshot.devices.filter((d) => d.rootPort === rootPort.address && d.address !== rootPort.address);
    below.forEach((d) => placed.add(d.address)); // bridges on a card belong to the slot too, but are not listed
    const devices = below.filter((d) => !d.isBridge).sort((a, b) => a.address.localeCompare(b.address));
    return { slot, rootPort, devices };
  });
  const unplaced = snapshot.devices
    .map((d) => d.address)
    .filter((a) => !placed.has(a))
    .sort();
  return { board, slots, unplaced };
}

/** The usual question: what board is this, and what is in its slots? */
export function boardView(snapshot: HostSnapshot): BoardView {
  return mapBoard(snapshot, detectBoard(snapshot));
}
