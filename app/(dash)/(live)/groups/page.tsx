import { GroupsView } from '@/components/groups/groups-view';
import { prefetch, Prefetched, serverTrpc } from '@/lib/trpc-server';

export default async function GroupsPage() {
  const trpc = await serverTrpc();
  await prefetch(trpc.host.groups.queryOptions());
  return (
    <Prefetched>
      <GroupsView />
    </Prefetched>
  );
}
