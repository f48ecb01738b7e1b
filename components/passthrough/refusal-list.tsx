import Link from 'next/link';
import type { Refusal } from '@/server/passthrough/types';
import { Notice } from '@/components/ui/notice';

/** Why the change cannot go ahead, each reason with its fix, and a way to the overlay when that is the fix. */
export function RefusalList({ refusals, target }: { refusals: Refusal[]; target: string }) {
  return (
    <Notice tone="bad" alert title="This cannot be done as things are" testId="refusals">
      <ul className="mt-1 space-y-2">
        {refusals.map((r, i) => (
          <li key={i} data-testid={`refusal-${r.code}`}>
            <p>{r.message}</p>
            {r.fix && (
              <p className="mt-0.5">
                <span className="font-semibold">How to fix it: </span>
                {r.fix}
              </p>
            )}
            {r.overlay?.dtLabel && (
              <p className="mt-1">
                <Link href={`/overlay/${target}`} className="font-medium underline" data-testid="overlay-link">
                  Open the device-tree overlay for {r.overlay.dtLabel} →
                </Link>
              </p>
            )}
          </li>
        ))}
      </ul>
    </Notice>
  );
}
