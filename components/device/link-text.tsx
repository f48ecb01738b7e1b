import type { LinkView } from '@/server/overview/format';

/** "8 GT/s (Gen3) x8 of 8 GT/s (Gen3) x16", with a note when the link trained below the maximum. */
export function LinkText({ link }: { link: LinkView | null }) {
  if (!link) return <span className="text-slate-500">no PCIe link information</span>;
  if (link.down) return <span className="text-slate-500">link down (max {link.max ?? 'unknown'})</span>;
  return (
    <span>
      {link.current ?? '?'} <span className="text-slate-500">of max {link.max ?? '?'}</span>
      {link.degraded && <span className="ml-1 text-amber-700">(trained below what it and the slot can do)</span>}
      {!link.degraded && link.limitedBySlot && <span className="ml-1 text-slate-500">({link.limitedBySlot})</span>}
    </span>
  );
}
