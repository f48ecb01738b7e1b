// The overview page's data: the board's slots with their devices, group verdicts and power.
import type { BoardView, SlotView } from '../host/boards/types';
import type { HostMode, HostSnapshot, ScanWarning } from '../host/types';
import type { VmClaim } from '../passthrough/types';
import type { UserCardPower } from '../power/store';
import type { DeviceStateKind } from './device-state';
import { groupVerdict, type GroupVerdict } from './group-verdict';
import { slotPower, type SlotPower } from './slot-power';
import { summarize, type DeviceSummary } from './summary';

export interface OverviewInput {
  snapshot: HostSnapshot;
  mode: HostMode;
  /** JETVM_SIM_CARD in sim mode, else null */
  simCard: string | null;
  board: BoardView;
  userPower: readonly UserCardPower[];
  /** running VMs and the devices they hold (from server/vm once it exposes them) */
  vmClaims?: readonly VmClaim[];
  /** interfaces the dashboard is reached through */
  dashboardInterfaces?: string[];
}

export type SlotState = DeviceStateKind | 'empty';

export interface SlotCard {
  id: string;
  name: string;
  kind: string;
  location: string;
  notes: string[];
  lanes: number;
  controller: string;
  source: string;
  rootPort: DeviceSummary | null;
  devices: DeviceSummary[];
  group: { id: number; verdict: GroupVerdict } | null;
  power: SlotPower | null;
  /** the slot at a glance (colours the board picture): the first endpoint's state */
  state: SlotState;
}

export interface OverviewView {
  mode: HostMode;
  simCard: string | null;
  board: { id: string; name: string };
  isOrin: boolean;
  slots: SlotCard[];
  unplaced: DeviceSummary[];
  warnings: ScanWarning[];
  host: {
    kernelRelease: string | null;
    devices: number;
    groups: number;
    vfioPciDriver: boolean;
    allowUnsafeInterrupts: boolean | null;
  };
  takenAt: string;
}

function slotCard(view: SlotView, input: OverviewInput): SlotCard {
  const claims = input.vmClaims ?? [];
  const { slot } = view;
  const byAddress = new Map(input.snapshot.devices.map((d) => [d.address, d]));
  const devices = view.devices.map((d) => summarize(d, claims, byAddress));
  const groupId = view.rootPort?.iommuGroup ?? view.devices.find((d) => d.iommuGroup !== null)?.iommuGroup ?? null;
  const group = groupId === null ? null : (input.snapshot.groups.find((g) => g.id === groupId) ?? null);
  const ctx = { vmClaims: [...claims], dashboardInterfaces: input.dashboardInterfaces ?? [] };
  const controllers = input.board.board.controllers.length ? input.board.board.controllers : undefined;
  const endpoints = devices.filter((d) => !d.isBridge);
  return {
    id: slot.id,
    name: slot.name,
    kind: slot.kind,
    location: slot.location,
    notes: slot.notes,
    lanes: slot.lanes,
    controller: slot.controller,
    source: slot.source,
    rootPort: view.rootPort ? summarize(view.rootPort, claims, byAddress) : null,
    devices,
    group: group ? { id: group.id, verdict: groupVerdict(input.snapshot, group, ctx, { controllers }) } : null,
    power: slotPower(view, input.userPower),
    state: endpoints[0]?.state.kind ?? 'empty',
  };
}

export function buildOverview(input: OverviewInput): OverviewView {
  const { snapshot, board } = input;
  const claims = input.vmClaims ?? [];
  const byAddress = new Map(snapshot.devices.map((d) => [d.address, d]));
  return {
    mode: input.mode,
    simCard: input.simCard,
    board: { id: board.board.id, name: board.board.name },
    isOrin: board.board.id === 'jetson-agx-orin-devkit',
    slots: board.slots.map((s) => slotCard(s, input)),
    unplaced: board.unplaced.flatMap((a) => (byAddress.has(a) ? [summarize(byAddress.get(a)!, claims, byAddress)] : [])),
    warnings: snapshot.warnings,
    host: {
      kernelRelease: snapshot.kernelRelease,
      devices: snapshot.devices.length,
      groups: snapshot.groups.length,
      vfioPciDriver: snapshot.vfio.vfioPciDriver,
      allowUnsafeInterrupts: snapshot.vfio.allowUnsafeInterrupts,
    },
    takenAt: snapshot.takenAt,
  };
}
