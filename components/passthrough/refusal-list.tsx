import Link from 'next/link';
import type { Refusal } from '@/server/passthrough/types';
import { FindingList } from '@/components/ui/finding-list';
import { Notice } from '@/components/ui/notice';

const HOST_CRITICAL = new Set<Refusal['code']>(['host-critical-mount', 'host-critical-network']);

/**
 * Why the change cannot go ahead, each reason with its fix, and a way to the overlay when that is the
 * fix. A device the host cannot do without comes first, and then the overlay alone would not help.
 */
export function RefusalList({ refusals, target }: { refusals: Refusal[]; target: string }) {
  const critical = refusals.some((r) => HOST_CRITICAL.has(r.code));
  const ordered = [...refusals.filter((r) => HOST_CRITICAL.has(r.code)), ...refusals.filter((r) => !HOST_CRITICAL.has(r.code))];
  const overlayLink = (r: Refusal) =>
    r.overlay && !critical ? (
      <p className="mt-1">
        <Link href={`/overlay/${target}`} className="font-medium underline" data-testid="overlay-link">
          Open the device-tree overlay for {r.overlay.platformDevice} →
        </Link>
      </p>
    ) : null;
  return (
    <Notice tone="bad" alert title="This cannot be done as things are" testId="refusals">
      <FindingList findings={ordered} testIdPrefix="refusal" extra={overlayLink} />
    </Notice>
  );
}
