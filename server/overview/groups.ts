// The IOMMU groups page: every group with all its members and a verdict; group-less devices apart.
import type { BoardView } from '../host/boards/types';
import type { GroupMemberKind, HostSnapshot, PciAddress } from '../host/types';
import { findController } from '../passthrough/controllers';
import type { VmClaim } from '../passthrough/types';
import type { DeviceState } from './device-state';
import { groupVerdict, type GroupVerdict } from './group-verdict';
import { summarize, type DeviceSummary } from './summary';

export interface GroupMemberView {
  kind: GroupMemberKind;
  name: string;
  driver: string | null;
  /** device name for PCI members, "PCIe controller C5" for the Orin's platform devices */
  label: string;
  /** "VGA compatible controller", "platform device" */
  classText: string;
  isBridge: boolean;
  state: DeviceState | null;
}

export interface GroupView {
  id: number;
  vfioNode: boolean;
  members: GroupMemberView[];
  verdict: GroupVerdict;
  slot: { id: string; name: string } | null;
}

export interface GrouplessDevice extends DeviceSummary {
  /** "joins group 9 (its root port's) when a driver probes it" */
  note: string;
}

export interface GroupsView {
  groups: GroupView[];
  groupless: GrouplessDevice[];
  vfioNodes: number[];
}

export interface GroupsInput {
  snapshot: HostSnapshot;
  board: BoardView | null;
  vmClaims?: readonly VmClaim[];
  dashboardInterfaces?: string[];
}

function slotOfGroup(board: BoardView | null, snapshot: HostSnapshot, id: number) {
  const hit = board?.slots.find((s) => s.rootPort?.iommuGroup === id || s.devices.some((d) => d.iommuGroup === id));
  return hit ? { id: hit.slot.id, name: hit.slot.name } : null;
}

export function buildGroupsView(input: GroupsInput): GroupsView {
  const { snapshot, board } = input;
  const claims = input.vmClaims ?? [];
  const controllers = board?.board.controllers.length ? board.board.controllers : undefined;
  const byAddress = new Map(snapshot.devices.map((d) => [d.address, d]));
  const ctx = { vmClaims: [...claims], dashboardInterfaces: input.dashboardInterfaces ?? [] };

  const groups = [...snapshot.groups]
    .sort((a, b) => a.id - b.id)
    .map((g): GroupView => {
      const members = g.members.map((m): GroupMemberView => {
        const d = m.kind === 'pci' ? byAddress.get(m.name) : undefined;
        if (d) {
          const s = summarize(d, claims, byAddress);
          return { kind: m.kind, name: m.name, driver: d.driver, label: s.name, classText: s.className, isBridge: d.isBridge, state: s.state };
        }
        const c = m.kind === 'platform' ? findController(m.name, controllers) : null;
        return {
          kind: m.kind,
          name: m.name,
          driver: m.driver,
          label: c ? `PCIe controller ${c.id}` : m.kind === 'platform' ? 'platform device' : 'device',
          classText: m.kind === 'platform' ? 'platform device (not PCI)' : 'other device',
          isBridge: false,
          state: null,
        };
      });
      // platform devices first (they decide viability), then PCI in address order
      members.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'platform' ? -1 : b.kind === 'platform' ? 1 : 0));
      return { id: g.id, vfioNode: g.vfioNode, members, verdict: groupVerdict(snapshot, g, ctx, { controllers }), slot: slotOfGroup(board, snapshot, g.id) };
    });

  const groupOfPort = (port: PciAddress | null) => (port ? (byAddress.get(port)?.iommuGroup ?? null) : null);
  const groupless = snapshot.devices
    .filter((d) => d.iommuGroup === null)
    .map((d): GrouplessDevice => {
      const joins = d.rootPort && d.rootPort !== d.address ? groupOfPort(d.rootPort) : null;
      const note =
        joins !== null
          ? `no IOMMU group yet: the kernel creates it when a driver probes (it will join group ${joins}, its root port's)`
          : 'no IOMMU group yet: the kernel creates it when a driver probes';
      return { ...summarize(d, claims, byAddress), note };
    });

  return { groups, groupless, vfioNodes: snapshot.vfio.groupNodes };
}
