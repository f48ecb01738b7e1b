import { VmsView } from '@/components/vm/vms-view';
import { prefetch, Prefetched, serverTrpc } from '@/lib/trpc-server';

export default async function VmsPage() {
  const trpc = await serverTrpc();
  await prefetch(trpc.vms.list.queryOptions(), trpc.vms.images.queryOptions());
  return (
    <Prefetched>
      <VmsView />
    </Prefetched>
  );
}
