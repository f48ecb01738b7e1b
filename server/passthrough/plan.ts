// Pure planners: snapshot + context in, plain-data plan out. No I/O here.
import type { ControllerDef } from '../host/boards/types';
import type { HostSnapshot, PciDevice } from '../host/types';
import { resolveGroupScope, type GroupScope } from './group';
import * as refuse from './refusals';
import { clearOverride, probe, setOverride, unbindCurrent, unbindFrom } from './steps';
import type { EndpointOriginal, Plan, PlanContext, PlanKind, Refusal, SysfsWrite } from './types';
import { pciAddressSchema } from '../../common/pci-address';

export const VFIO = 'vfio-pci';

export interface PlanOptions {
  /** controllers of the board model (names the DT label in a platform-in-group refusal) */
  controllers?: ControllerDef[];
}

function emptyPlan(kind: PlanKind, target: string, refusals: Refusal[]): Plan {
  return {
    kind,
    target,
    group: null,
    endpoints: [],
    bridges: [],
    platformMembers: [],
    originals: [],
    writes: [],
    expected: { endpoints: [], vfioNode: null },
    refusals,
    notes: [],
  };
}

type Lookup = { ok: true; device: PciDevice } | { ok: false; plan: Plan };

function lookUp(kind: PlanKind, snapshot: HostSnapshot, input: string): Lookup {
  const address = pciAddressSchema.safeParse(input).data;
  if (!address) return { ok: false, plan: emptyPlan(kind, input, [refuse.badAddress(input)]) };
  const device = snapshot.devices.find((d) => d.address === address);
  if (!device) return { ok: false, plan: emptyPlan(kind, address, [refuse.unknownDevice(address)]) };
  if (device.isBridge) return { ok: false, plan: emptyPlan(kind, address, [refuse.targetIsBridge(device)]) };
  return { ok: true, device };
}

function basePlan(kind: PlanKind, target: PciDevice, scope: GroupScope): Plan {
  return {
    ...emptyPlan(kind, target.address, []),
    group: scope.groupId,
    endpoints: scope.endpoints.map((d) => d.address),
    bridges: scope.bridges.map((d) => d.address),
    platformMembers: scope.platformMembers,
    originals: scope.endpoints.map((d) => ({ address: d.address, driver: d.driver, driverOverride: d.driverOverride })),
  };
}

/** Hand the whole IOMMU group of `address` to vfio-pci (libvirt's sequence per endpoint). */
export function planPassthrough(snapshot: HostSnapshot, address: string, ctx: PlanContext, opts: PlanOptions = {}): Plan {
  const found = lookUp('bind', snapshot, address);
  if (!found.ok) return found.plan;
  const scope = resolveGroupScope(snapshot, found.device);
  const plan = basePlan('bind', found.device, scope);

  plan.refusals = [
    ...(scope.groupId === null ? [refuse.noIommuGroup(found.device)] : []),
    ...refuse.platformInGroup(scope, opts.controllers),
    ...refuse.inUseByVm(scope, ctx),
    ...refuse.hostCritical(scope, snapshot, ctx),
    ...refuse.vfioPciMissing(snapshot),
  ];

  const writes: SysfsWrite[] = [];
  for (const d of scope.endpoints) {
    if (d.driver === VFIO) continue;
    writes.push(setOverride(d.address, VFIO));
    if (d.driver) writes.push(unbindCurrent(d.address, d.driver));
    writes.push(probe(d.address, `vfio-pci takes it`));
  }
  plan.writes = plan.refusals.length ? [] : writes;
  plan.expected = {
    endpoints: scope.endpoints.map((d) => ({ address: d.address, rule: 'exact', driver: VFIO })),
    vfioNode: scope.groupId === null ? null : { group: scope.groupId, present: true },
  };

  if (scope.bridges.length) plan.notes.push(`${scope.bridges.map((b) => b.address).join(', ')} stay${scope.bridges.length > 1 ? '' : 's'} on ${scope.bridges[0].driver ?? 'no driver'}: bridges are never passed through.`);
  if (scope.groupless.length) plan.notes.push(`${scope.groupless.join(', ')} had no IOMMU group yet; it joins group ${scope.groupId} when vfio-pci probes it.`);
  const others = scope.endpoints.filter((d) => d.address !== found.device.address);
  if (others.length) plan.notes.push(`The whole group goes together: ${others.map((d) => d.address).join(', ')} too.`);
  if (writes.length === 0 && !plan.refusals.length) plan.notes.push('Every endpoint is already on vfio-pci: nothing to write.');
  return plan;
}

/** What the endpoint goes back to: the recorded original when there is one, else whatever the kernel picks. */
function originalFor(address: string, ctx: PlanContext): EndpointOriginal | null {
  return ctx.recordedOriginals?.find((o) => o.address === address) ?? null;
}

/** Give the group back to the host drivers: unbind from vfio-pci, clear the override, probe. */
export function planRelease(snapshot: HostSnapshot, address: string, ctx: PlanContext): Plan {
  const found = lookUp('release', snapshot, address);
  if (!found.ok) return found.plan;
  const scope = resolveGroupScope(snapshot, found.device);
  const plan = basePlan('release', found.device, scope);
  plan.refusals = refuse.inUseByVm(scope, ctx);

  const writes: SysfsWrite[] = [];
  for (const d of scope.endpoints) {
    const orig = originalFor(d.address, ctx);
    const restoreOverride = orig?.driverOverride && orig.driverOverride !== VFIO ? orig.driverOverride : null;
    const wantsProbe = orig ? orig.driver !== null : true;
    if (d.driver === VFIO) {
      writes.push(unbindFrom(d.address, VFIO));
      writes.push(restoreOverride ? setOverride(d.address, restoreOverride) : clearOverride(d.address));
      if (wantsProbe) writes.push(probe(d.address, orig?.driver ? `${orig.driver} takes it back` : 'its host driver takes it back'));
    } else if (d.driverOverride === VFIO) {
      // left half-way (override set, not bound): clear it so the host driver can match again
      writes.push(restoreOverride ? setOverride(d.address, restoreOverride) : clearOverride(d.address));
      if (!d.driver && wantsProbe) writes.push(probe(d.address, 'its host driver takes it back'));
    }
  }
  plan.writes = plan.refusals.length ? [] : writes;
  plan.expected = {
    endpoints: scope.endpoints.map((d) => {
      const orig = originalFor(d.address, ctx);
      if (d.driver !== VFIO && d.driverOverride !== VFIO) return { address: d.address, rule: 'exact' as const, driver: d.driver };
      return orig && orig.driver !== VFIO
        ? { address: d.address, rule: 'exact' as const, driver: orig.driver }
        : { address: d.address, rule: 'not-vfio' as const, driver: null };
    }),
    // measured in the rig: /dev/vfio/<group> goes away with the last vfio-pci device of the group
    vfioNode: scope.groupId === null ? null : { group: scope.groupId, present: false },
  };
  if (writes.length === 0 && !plan.refusals.length) plan.notes.push('No endpoint of the group is on vfio-pci: nothing to give back.');
  return plan;
}

export const planIsRefused = (p: Plan) => p.refusals.length > 0;
