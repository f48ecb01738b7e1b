import { Overview } from '@/components/board/overview';
import { prefetch, Prefetched, serverTrpc } from '@/lib/trpc-server';

export default async function OverviewPage() {
  const trpc = await serverTrpc();
  await prefetch(trpc.host.overview.queryOptions(), trpc.host.dataDisk.queryOptions());
  return (
    <Prefetched>
      <Overview />
    </Prefetched>
  );
}
