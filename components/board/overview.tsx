'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc';
import { DataDisk } from '@/components/board/data-disk';
import { HostBanner } from '@/components/board/host-banner';
import { HostFacts } from '@/components/board/host-facts';
import { OrinBoard } from '@/components/board/orin-board';
import { SlotCard } from '@/components/board/slot-card';
import { UnplacedDevices } from '@/components/board/unplaced-devices';
import { Notice } from '@/components/ui/notice';
import { Loading, PageTitle } from '@/components/ui/page-state';

/** The host's slots and cards (the server prefetches host.overview: app/(dash)/page.tsx). */
export function Overview() {
  const trpc = useTRPC();
  const overview = useQuery(trpc.host.overview.queryOptions());
  if (overview.isLoading) return <Loading what="the host's PCI slots" />;
  if (overview.error || !overview.data) return <Notice tone="bad" alert title="Could not read the host">{overview.error?.message}</Notice>;
  const view = overview.data;
  return (
    <div className="space-y-4">
      <PageTitle sub={view.board.name}>Overview</PageTitle>
      <HostBanner view={view} />
      <DataDisk />
      {view.isOrin ? (
        <div className="grid gap-4 lg:grid-cols-[minmax(0,5fr)_minmax(0,7fr)]">
          <div className="space-y-4 lg:sticky lg:top-4 lg:self-start">
            <OrinBoard slots={view.slots} />
            <HostFacts view={view} />
          </div>
          <div className="space-y-4">
            {view.slots.map((s) => (
              <SlotCard key={s.id} slot={s} />
            ))}
          </div>
        </div>
      ) : (
        <div className="space-y-4">
          <HostFacts view={view} />
          <h2 className="text-lg font-semibold">Slots by root port</h2>
          {view.slots.length === 0 && <p className="text-sm text-slate-500">The scan found no PCIe root ports.</p>}
          <div className="grid gap-4 md:grid-cols-2">
            {view.slots.map((s) => (
              <SlotCard key={s.id} slot={s} />
            ))}
          </div>
        </div>
      )}
      <UnplacedDevices devices={view.unplaced} />
    </div>
  );
}
