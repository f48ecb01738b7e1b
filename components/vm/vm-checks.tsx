import type { CheckResult } from '@/server/vm/types';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import type { Tone } from '@/components/ui/tone';

const TONE: Record<CheckResult['severity'], Tone> = { error: 'bad', warning: 'warn', info: 'info' };
const WORD: Record<CheckResult['severity'], string> = { error: 'error', warning: 'warning', info: 'info' };
const ORDER: Record<CheckResult['severity'], number> = { error: 0, warning: 1, info: 2 };

/** What a start would check now (groups complete and on vfio-pci, BAR fit, /dev/vfio, memlock, KVM, claims). */
export function VmChecks({ checks }: { checks: CheckResult[] }) {
  const errors = checks.filter((c) => c.severity === 'error').length;
  const sorted = [...checks].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  return (
    <Card testId="vm-checks">
      <CardHeader
        title="Checks before start"
        sub="what Start checks first, as things stand now"
        aside={<Badge tone={errors ? 'bad' : 'ok'} testId="vm-checks-verdict">{errors ? `${errors} ${errors === 1 ? 'problem blocks' : 'problems block'} a start` : 'ready to start'}</Badge>}
      />
      <CardBody>
        {sorted.length === 0 ? (
          <p className="text-sm text-slate-600">Nothing to report.</p>
        ) : (
          <ul className="space-y-1.5">
            {sorted.map((c, n) => (
              <li key={n} className="flex items-start gap-2 text-sm" data-testid={`check-${c.id}`} data-severity={c.severity}>
                <span className="w-16 shrink-0 pt-0.5">
                  <Badge tone={TONE[c.severity]}>{WORD[c.severity]}</Badge>
                </span>
                <span className="min-w-0 text-slate-800">{c.message}</span>
              </li>
            ))}
          </ul>
        )}
      </CardBody>
    </Card>
  );
}
