// The device page: everything the scan knows about one PCI device, formatted.
import type { BoardView } from '../host/boards/types';
import type { HostSnapshot, IdName, ParentRef, PciClass } from '../host/types';
import type { VmClaim } from '../passthrough/types';
import { barView, type BarView, type LinkView } from './format';
import { groupVerdict, type GroupVerdict } from './group-verdict';
import { summarize, type DeviceSummary } from './summary';

export interface DeviceView {
  summary: DeviceSummary;
  vendor: IdName;
  device: IdName;
  subsystemVendor: IdName | null;
  subsystemDevice: IdName | null;
  revision: string | null;
  class: PciClass;
  bars: BarView[];
  windows: BarView[];
  link: LinkView | null;
  driver: string | null;
  driverOverride: string | null;
  group: { id: number; verdict: GroupVerdict; members: string[] } | null;
  slot: { id: string; name: string } | null;
  /** nearest first; PCI parents link to their own page */
  parents: Array<ParentRef & { isPci: boolean }>;
  siblings: DeviceSummary[];
  /** devices directly below this one (for bridges and root ports) */
  children: DeviceSummary[];
  blockDevices: string[];
  netInterfaces: string[];
  sysfsPath: string;
  warnings: string[];
}

export interface DeviceInput {
  snapshot: HostSnapshot;
  /** canonical address, already validated */
  address: string;
  board: BoardView | null;
  vmClaims?: readonly VmClaim[];
  dashboardInterfaces?: string[];
}

/** null when the host has no such device */
export function buildDeviceView(input: DeviceInput): DeviceView | null {
  const { snapshot, board } = input;
  const claims = input.vmClaims ?? [];
  const d = snapshot.devices.find((x) => x.address === input.address);
  if (!d) return null;
  const byAddress = new Map(snapshot.devices.map((x) => [x.address, x]));
  const group = d.iommuGroup === null ? null : (snapshot.groups.find((g) => g.id === d.iommuGroup) ?? null);
  const controllers = board?.board.controllers.length ? board.board.controllers : undefined;
  const ctx = { vmClaims: [...claims], dashboardInterfaces: input.dashboardInterfaces ?? [] };
  const summary = summarize(d, claims, byAddress);
  const slot = board?.slots.find((s) => s.rootPort?.address === d.address || s.devices.some((x) => x.address === d.address));
  return {
    summary,
    vendor: d.vendor,
    device: d.device,
    subsystemVendor: d.subsystemVendor,
    subsystemDevice: d.subsystemDevice,
    revision: d.revision,
    class: d.class,
    bars: d.bars.map(barView),
    windows: d.windows.map(barView),
    link: summary.link,
    driver: d.driver,
    driverOverride: d.driverOverride,
    group: group ? { id: group.id, verdict: groupVerdict(snapshot, group, ctx, { controllers }), members: group.members.map((m) => m.name) } : null,
    slot: slot ? { id: slot.slot.id, name: slot.slot.name } : null,
    parents: d.parents.map((p) => ({ ...p, isPci: p.kind === 'pci' && byAddress.has(p.name) })),
    siblings: d.siblings.flatMap((a) => (byAddress.has(a) ? [summarize(byAddress.get(a)!, claims, byAddress)] : [])),
    children: snapshot.devices.filter((x) => x.parents[0]?.name === d.address).map((x) => summarize(x, claims, byAddress)),
    blockDevices: d.blockDevices,
    netInterfaces: d.netInterfaces,
    sysfsPath: d.sysfsPath,
    warnings: d.warnings,
  };
}
