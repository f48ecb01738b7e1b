'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '@/lib/trpc';
import { VerdictLine } from '@/components/groups/verdict-line';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Mono } from '@/components/ui/facts';
import { Notice } from '@/components/ui/notice';
import { Loading, PageTitle } from '@/components/ui/page-state';

/** Every group a platform device keeps from being viable, each leading to the overlay that fixes it. */
export function OverlayIndex() {
  const trpc = useTRPC();
  const groups = useQuery(trpc.host.groups.queryOptions());
  const simOverlay = useQuery(trpc.passthrough.simOverlay.queryOptions());
  if (groups.isLoading) return <Loading what="the IOMMU groups" />;
  if (groups.error || !groups.data) return <Notice tone="bad" alert title="Could not read the IOMMU groups">{groups.error?.message}</Notice>;
  const blocked = groups.data.groups
    .filter((g) => g.members.some((m) => m.kind === 'platform'))
    .map((g) => ({ group: g, endpoint: g.members.find((m) => m.kind === 'pci' && !m.isBridge) ?? null }));
  const applied = simOverlay.data?.controllers;
  const release = simOverlay.data?.release;
  return (
    <div className="space-y-4">
      <PageTitle sub="On the Orin the PCIe controller shares its slot's IOMMU group unless a device-tree overlay takes it out.">Device-tree overlays</PageTitle>
      {applied && (
        <p className="text-sm text-slate-700" data-testid="applied-overlay">
          The simulated Orin (L4T {release}) booted {applied.length ? 'with the overlay for ' : 'with no overlay'}
          {applied.map((c, i) => (
            <span key={c}>
              {i > 0 && ', '}
              <Mono>{c}</Mono>
            </span>
          ))}
          .
        </p>
      )}
      {blocked.length === 0 && <Notice tone="ok">No IOMMU group holds a platform device: no overlay is needed.</Notice>}
      <div className="grid gap-4 xl:grid-cols-2">
        {blocked.map(({ group, endpoint }) => (
          <Card key={group.id} testId={`overlay-group-${group.id}`}>
            <CardHeader title={`IOMMU group ${group.id}`} sub={group.slot?.name} />
            <CardBody>
              <VerdictLine verdict={group.verdict} />
              {endpoint ? (
                <Link href={`/overlay/${endpoint.name}`} className="text-sm font-medium underline">
                  The overlay for {endpoint.label} ({endpoint.name}) →
                </Link>
              ) : (
                <p className="text-sm text-slate-500">No card in this slot: nothing to pass through yet.</p>
              )}
            </CardBody>
          </Card>
        ))}
      </div>
    </div>
  );
}
