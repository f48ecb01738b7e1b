import type { ReactNode } from 'react';
import { tonePanel, type Tone } from './tone';

/** A boxed message; role=alert for the ones a person must not miss. */
export function Notice({ tone, title, children, alert, testId }: { tone: Tone; title?: ReactNode; children?: ReactNode; alert?: boolean; testId?: string }) {
  return (
    <div role={alert ? 'alert' : undefined} data-testid={testId} className={`rounded-md border px-3 py-2 text-sm ${tonePanel[tone]}`}>
      {title && <p className="font-semibold">{title}</p>}
      {children}
    </div>
  );
}
