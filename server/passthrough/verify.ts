// Pure checks of a re-scanned host against what a plan (or a rollback) promised.
import type { HostSnapshot } from '../host/types';
import { byAddress, resolveGroupScope } from './group';
import { VFIO } from './plan';
import type { EndpointOriginal, Plan } from './types';

export interface Verification {
  ok: boolean;
  /** plain words, one per thing that is not as expected */
  problems: string[];
}

const show = (d: string | null) => d ?? 'no driver';

export function verifyPlan(snapshot: HostSnapshot, plan: Plan): Verification {
  const devices = byAddress(snapshot);
  const problems: string[] = [];
  for (const e of plan.expected.endpoints) {
    const d = devices.get(e.address);
    if (!d) {
      problems.push(`${e.address} is gone from the host`);
      continue;
    }
    if (e.rule === 'exact' && d.driver !== e.driver) problems.push(`${e.address} is on ${show(d.driver)}, expected ${show(e.driver)}`);
    if (e.rule === 'not-vfio' && d.driver === VFIO) problems.push(`${e.address} is still on vfio-pci`);
  }
  if (plan.kind === 'bind') {
    const target = devices.get(plan.target);
    // the group may have grown (a group-less function joined on probe): all of it must be on vfio-pci
    if (target) {
      for (const d of resolveGroupScope(snapshot, target).endpoints) {
        if (!plan.endpoints.includes(d.address) && d.driver !== VFIO) problems.push(`${d.address} joined the group and is on ${show(d.driver)}, not vfio-pci`);
      }
    }
  }
  const node = plan.expected.vfioNode;
  const present = node ? snapshot.vfio.groupNodes.includes(node.group) : null;
  if (node?.present && !present) problems.push(`/dev/vfio/${node.group} did not appear`);
  if (node && !node.present && present) problems.push(`/dev/vfio/${node.group} is still there`);
  return { ok: problems.length === 0, problems };
}

/** Every endpoint back on its recorded driver with its recorded override. */
export function verifyOriginals(snapshot: HostSnapshot, originals: EndpointOriginal[]): Verification {
  const devices = byAddress(snapshot);
  const problems: string[] = [];
  for (const o of originals) {
    const d = devices.get(o.address);
    if (!d) problems.push(`${o.address} is gone from the host`);
    else {
      if (d.driver !== o.driver) problems.push(`${o.address} is on ${show(d.driver)}, was on ${show(o.driver)}`);
      if (d.driverOverride !== o.driverOverride) problems.push(`${o.address} has driver_override ${d.driverOverride ?? '(null)'}, was ${o.driverOverride ?? '(null)'}`);
    }
  }
  return { ok: problems.length === 0, problems };
}
