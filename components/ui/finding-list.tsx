import type { ReactNode } from 'react';
import { SEVERITY_RANK, type Finding, type Severity } from '@/common/finding';
import { Badge } from './badge';
import type { Tone } from './tone';

export const SEVERITY_TONE: Record<Severity, Tone> = { error: 'bad', warning: 'warn', info: 'info', ok: 'ok' };

/**
 * Findings, worst first (ties keep the caller's order): the severity, what was found (after its subject when
 * `titled`), why it matters and how to fix it. `extra` adds a finding's own links, e.g. the overlay of a refusal.
 * Each row is `${testIdPrefix}-${code}` with data-severity.
 */
export function FindingList<F extends Finding>({
  findings,
  testIdPrefix,
  testId,
  titled = false,
  extra,
}: {
  findings: readonly F[];
  testIdPrefix: string;
  testId?: string;
  titled?: boolean;
  extra?: (f: F) => ReactNode;
}) {
  const sorted = [...findings].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  return (
    <ul className="divide-y divide-slate-100" data-testid={testId}>
      {sorted.map((f, n) => (
        <li key={n} className="grid gap-x-3 gap-y-1 py-2 text-sm sm:grid-cols-[5rem_1fr]" data-testid={`${testIdPrefix}-${f.code}`} data-severity={f.severity}>
          <div>
            <Badge tone={SEVERITY_TONE[f.severity]}>{f.severity}</Badge>
          </div>
          <div className="min-w-0 space-y-0.5">
            <p>
              {titled && f.subject ? (
                <>
                  <span className="font-semibold">{f.subject}</span> <span className="text-slate-600">— {f.message}</span>
                </>
              ) : (
                f.message
              )}
            </p>
            {f.why && (
              <p className="text-slate-700">
                <span className="text-slate-500">Why it matters: </span>
                {f.why}
              </p>
            )}
            {f.fix && (
              <p>
                <span className="font-semibold">How to fix it: </span>
                {f.fix}
              </p>
            )}
            {extra?.(f)}
          </div>
        </li>
      ))}
    </ul>
  );
}
