// One IOMMU group's verdict in plain words, built from the passthrough planner's own scope and refusals.
import type { ControllerDef } from '../host/boards/types';
import type { HostSnapshot, IommuGroup } from '../host/types';
import { resolveGroupScope, type GroupScope } from '../passthrough/group';
import { hostCritical, inUseByVm, platformInGroup } from '../passthrough/refusals';
import type { PlanContext } from '../passthrough/types';

export type VerdictKind = 'host-critical' | 'not-viable' | 'in-use' | 'half-bound' | 'viable' | 'ready' | 'nothing-to-pass';
export type VerdictTone = 'bad' | 'warn' | 'ok' | 'info';

export interface GroupVerdict {
  kind: VerdictKind;
  tone: VerdictTone;
  /** one line: "not viable: the platform controller …" */
  text: string;
  /** every other finding, with its fix */
  details: string[];
}

const TONE: Record<VerdictKind, VerdictTone> = {
  'host-critical': 'bad',
  'not-viable': 'bad',
  'in-use': 'info',
  'half-bound': 'warn',
  viable: 'ok',
  ready: 'ok',
  'nothing-to-pass': 'info',
};

function scopeOf(snapshot: HostSnapshot, group: IommuGroup): GroupScope {
  const first = group.members.find((m) => m.kind === 'pci' && snapshot.devices.some((d) => d.address === m.name));
  if (first) return resolveGroupScope(snapshot, snapshot.devices.find((d) => d.address === first.name)!);
  return { groupId: group.id, group, endpoints: [], groupless: [], bridges: [], platformMembers: group.members.filter((m) => m.kind !== 'pci').map((m) => m.name).sort() };
}

export interface VerdictOptions {
  controllers?: ControllerDef[];
}

export function groupVerdict(snapshot: HostSnapshot, group: IommuGroup, ctx: PlanContext, opts: VerdictOptions = {}): GroupVerdict {
  const scope = scopeOf(snapshot, group);
  const found: Array<{ kind: VerdictKind; text: string }> = [];

  for (const r of hostCritical(scope, snapshot, ctx)) {
    const device = snapshot.devices.find((d) => d.address === r.subject);
    const root = snapshot.mounts.find((m) => m.target === '/' && device?.blockDevices.some((b) => m.source.startsWith(`/dev/${b}`)));
    const text = root ? `host-critical: holds the root filesystem (${root.source})` : `host-critical: ${r.message}${r.fix ? ` ${r.fix}` : ''}`;
    found.push({ kind: 'host-critical', text });
  }

  for (const r of platformInGroup(scope, opts.controllers)) {
    const name = r.subject;
    const driver = group.members.find((m) => m.name === name)?.driver;
    found.push({ kind: 'not-viable', text: `not viable: the platform controller ${name}${driver ? ` (${driver})` : ''} shares this group — take it out with the device-tree overlay` });
  }

  for (const r of inUseByVm(scope, ctx)) found.push({ kind: 'in-use', text: `in use: ${r.message}` });

  const onVfio = scope.endpoints.filter((d) => d.driver === 'vfio-pci');
  const onHost = scope.endpoints.filter((d) => d.driver && d.driver !== 'vfio-pci');
  const bridges = scope.bridges.length ? `; bridges stay on ${[...new Set(scope.bridges.map((b) => b.driver ?? 'no driver'))].join(', ')}` : '';
  if (scope.endpoints.length === 0) {
    found.push({ kind: 'nothing-to-pass', text: `nothing to pass through: no endpoint in this group${bridges}` });
  } else if (onVfio.length && onHost.length) {
    const left = onHost.map((d) => `${d.address} is still on ${d.driver}`).join(', ');
    found.push({ kind: 'half-bound', text: `not viable yet: ${left} — pass the whole group to vfio-pci` });
  } else if (onVfio.length) {
    found.push({ kind: 'viable', text: `viable: every endpoint is on vfio-pci${bridges}` });
  } else {
    found.push({ kind: 'ready', text: `ready to pass through${bridges ? `: ${bridges.slice(2)}` : ''}` });
  }

  // the worst finding is the headline: host-critical, then not viable, in use, half bound, then the good ones
  const order: VerdictKind[] = ['host-critical', 'not-viable', 'in-use', 'half-bound', 'viable', 'ready', 'nothing-to-pass'];
  found.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  const [head, ...rest] = found;
  // "ready"/"viable" only describe the endpoints: once the group is blocked they would mislead
  const blocked = head.kind === 'host-critical' || head.kind === 'not-viable';
  const details = rest.filter((f) => !(blocked && (f.kind === 'ready' || f.kind === 'viable'))).map((f) => f.text);
  return { kind: head.kind, tone: TONE[head.kind], text: head.text, details };
}
