import type { PreflightItem, PreflightState } from '@/server/passthrough/preflight';
import { Badge } from '@/components/ui/badge';
import type { Tone } from '@/components/ui/tone';

export const PREFLIGHT_TONE: Record<PreflightState, Tone> = { ok: 'ok', warn: 'warn', fail: 'bad' };

/** One row per preflight item: its state, what was found, why it matters, and how to fix it. */
export function PreflightList({ items }: { items: PreflightItem[] }) {
  return (
    <ul className="divide-y divide-slate-100" data-testid="preflight-items">
      {items.map((i) => (
        <li key={i.id} className="grid gap-x-4 gap-y-1 py-3 sm:grid-cols-[5rem_1fr]" data-testid={`preflight-${i.id}`} data-state={i.state}>
          <div>
            <Badge tone={PREFLIGHT_TONE[i.state]}>{i.state}</Badge>
          </div>
          <div className="min-w-0 space-y-0.5 text-sm">
            <p>
              <span className="font-semibold">{i.title}</span> <span className="text-slate-600">— {i.detail}</span>
            </p>
            <p className="text-slate-700">
              <span className="text-slate-500">Why it matters: </span>
              {i.why}
            </p>
            {i.fix && (
              <p className="text-slate-900">
                <span className="text-slate-500">How to fix it: </span>
                {i.fix}
              </p>
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}
