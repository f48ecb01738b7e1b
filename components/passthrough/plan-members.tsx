import type { Plan } from '@/server/passthrough/types';
import { Badge } from '@/components/ui/badge';
import { Mono } from '@/components/ui/facts';
import type { MemberName } from './device-names';

function Row({ name, label, children, testId }: { name: string; label?: string; children: React.ReactNode; testId: string }) {
  return (
    <li className="flex flex-wrap items-center gap-x-2 gap-y-0.5 py-1" data-testid={testId}>
      <Mono>{name}</Mono>
      <span className="min-w-0 flex-1 text-slate-700">{label ?? ''}</span>
      <span className="flex items-center gap-1 text-xs">{children}</span>
    </li>
  );
}

const arrow = <span className="text-slate-400">→</span>;

/** Every member of the group and what the plan does to it: endpoints move, bridges stay, platform devices block. */
export function PlanMembers({ plan, names }: { plan: Plan; names: Map<string, MemberName> }) {
  const expected = new Map(plan.expected.endpoints.map((e) => [e.address, e]));
  const now = new Map(plan.originals.map((o) => [o.address, o.driver]));
  const would = plan.refusals.length ? 'would go' : 'go';
  const moves = plan.kind === 'bind' ? `Endpoints that ${would} to vfio-pci` : `Endpoints that ${would} back to the host`;
  return (
    <div className="grid gap-3 sm:grid-cols-2" data-testid="plan-members">
      <section className="sm:col-span-2">
        <h3 className="text-sm font-semibold">{moves}</h3>
        {plan.endpoints.length === 0 ? (
          <p className="text-sm text-slate-500">None.</p>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm">
            {plan.endpoints.map((a) => {
              const e = expected.get(a);
              const to = e?.rule === 'not-vfio' ? 'its host driver' : (e?.driver ?? 'no driver');
              return (
                <Row key={a} name={a} label={names.get(a)?.label} testId={`endpoint-${a}`}>
                  <Badge>{now.get(a) ?? 'no driver'}</Badge>
                  {arrow}
                  <Badge tone={plan.kind === 'bind' ? 'ok' : 'neutral'}>{to}</Badge>
                </Row>
              );
            })}
          </ul>
        )}
      </section>
      {plan.bridges.length > 0 && (
        <section>
          <h3 className="text-sm font-semibold">Bridges that stay with the host</h3>
          <ul className="text-sm">
            {plan.bridges.map((a) => (
              <Row key={a} name={a} label={names.get(a)?.label} testId={`bridge-${a}`}>
                <Badge>stays on {names.get(a)?.driver ?? 'its driver'}</Badge>
              </Row>
            ))}
          </ul>
        </section>
      )}
      {plan.platformMembers.length > 0 && (
        <section>
          <h3 className="text-sm font-semibold text-red-800">Platform devices in the group</h3>
          <ul className="text-sm">
            {plan.platformMembers.map((p) => (
              <Row key={p} name={p} label={names.get(p)?.label} testId={`platform-${p}`}>
                <Badge tone="bad">cannot be given to vfio-pci</Badge>
              </Row>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
