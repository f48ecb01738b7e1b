import type { ReactNode } from 'react';
import { toneBadge, type Tone } from './tone';

export function Badge({ tone = 'neutral', children, testId }: { tone?: Tone; children: ReactNode; testId?: string }) {
  return (
    <span data-testid={testId} className={`inline-flex items-center rounded px-1.5 py-0.5 text-xs font-medium whitespace-nowrap ${toneBadge[tone]}`}>
      {children}
    </span>
  );
}
