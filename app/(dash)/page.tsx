import { Overview } from '@/components/board/overview';
import { OverviewLive } from '@/components/board/overview-live';
import { Notice } from '@/components/ui/notice';
import { serverCall, serverTrpc } from '@/lib/trpc-server';

/**
 * Rendered on the server alone, without React Query: the page a person opens first stays light
 * (npm run bench:pages). Its few controls load the tRPC client when used.
 */
export default async function OverviewPage() {
  const trpc = await serverTrpc();
  const [overview, disk, me] = await Promise.all([
    serverCall(trpc.host.overview.queryOptions()),
    serverCall(trpc.host.dataDisk.queryOptions()),
    serverCall(trpc.auth.me.queryOptions()),
  ]);
  return (
    <>
      <OverviewLive />
      {overview.ok ? (
        <Overview view={overview.data} disk={disk.ok ? disk.data : null} isAdmin={me.ok && me.data?.role === 'admin'} />
      ) : (
        <Notice tone="bad" alert title="Could not read the host">
          {overview.message}
        </Notice>
      )}
    </>
  );
}
