import type { DiskSpace } from '@/server/disk-space';
import type { OverviewView } from '@/server/overview/overview';
import { DataDisk } from '@/components/board/data-disk';
import { HostBanner } from '@/components/board/host-banner';
import { HostFacts } from '@/components/board/host-facts';
import { OrinBoard } from '@/components/board/orin-board';
import { SlotCard } from '@/components/board/slot-card';
import { UnplacedDevices } from '@/components/board/unplaced-devices';
import { PageTitle } from '@/components/ui/page-state';

/** The host's slots and cards, rendered on the server (app/(dash)/page.tsx); overview-live.tsx keeps it current. */
export function Overview({ view, disk, isAdmin }: { view: OverviewView; disk: DiskSpace | null; isAdmin: boolean }) {
  return (
    <div className="space-y-4">
      <PageTitle sub={view.board.name}>Overview</PageTitle>
      <HostBanner view={view} />
      <DataDisk disk={disk} />
      {view.isOrin ? (
        <div className="grid gap-4 lg:grid-cols-[minmax(0,5fr)_minmax(0,7fr)]">
          <div className="space-y-4 lg:sticky lg:top-4 lg:self-start">
            <OrinBoard slots={view.slots} />
            <HostFacts view={view} />
          </div>
          <div className="space-y-4">
            {view.slots.map((s) => (
              <SlotCard key={s.id} slot={s} isAdmin={isAdmin} />
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
              <SlotCard key={s.id} slot={s} isAdmin={isAdmin} />
            ))}
          </div>
        </div>
      )}
      <UnplacedDevices devices={view.unplaced} />
    </div>
  );
}
