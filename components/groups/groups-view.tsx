'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc';
import { GroupCard } from '@/components/groups/group-card';
import { GroupChangeButtons } from '@/components/passthrough/group-change-buttons';
import { GrouplessList } from '@/components/groups/groupless-list';
import { Notice } from '@/components/ui/notice';
import { Loading, PageTitle } from '@/components/ui/page-state';

export function GroupsView() {
  const trpc = useTRPC();
  const groups = useQuery(trpc.host.groups.queryOptions());
  if (groups.isLoading) return <Loading what="the IOMMU groups" />;
  if (groups.error || !groups.data) return <Notice tone="bad" alert title="Could not read the IOMMU groups">{groups.error?.message}</Notice>;
  const view = groups.data;
  return (
    <div className="space-y-4">
      <PageTitle sub="A group is passed to a VM whole: every endpoint in it must be on vfio-pci, and no platform device may share it.">IOMMU groups</PageTitle>
      {view.groups.length === 0 && <Notice tone="warn">No IOMMU groups: the IOMMU is off, or no device has been probed yet.</Notice>}
      <div className="grid gap-4 xl:grid-cols-2">
        {view.groups.map((g) => (
          <GroupCard key={g.id} group={g} actions={<GroupChangeButtons group={g} />} />
        ))}
      </div>
      <GrouplessList devices={view.groupless} />
    </div>
  );
}
