import Link from 'next/link';
import type { Refusal } from '@/server/passthrough/types';
import { Notice } from '@/components/ui/notice';

const HOST_CRITICAL = new Set<Refusal['code']>(['host-critical-mount', 'host-critical-network']);

/**
 * Why the change cannot go ahead, each reason with its fix, and a way to the overlay when that is the
 * fix. A device the host cannot do without comes first, and then the overlay alone would not help.
 */
export function RefusalList({ refusals, target }: { refusals: Refusal[]; target: string }) {
  const critical = refusals.some((r) => HOST_CRITICAL.has(r.code));
  const ordered = [...refusals.filter((r) => HOST_CRITICAL.has(r.code)), ...refusals.filter((r) => !HOST_CRITICAL.has(r.code))];
  return (
    <Notice tone="bad" alert title="This cannot be done as things are" testId="refusals">
      <ul className="mt-1 space-y-2">
        {ordered.map((r, i) => (
          <li key={i} data-testid={`refusal-${r.code}`}>
            <p>{r.message}</p>
            {r.fix && (
              <p className="mt-0.5">
                <span className="font-semibold">How to fix it: </span>
                {r.fix}
              </p>
            )}
            {r.overlay?.dtLabel && !critical && (
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
