import { PreflightView } from '@/components/passthrough/preflight-view';
import { prefetch, Prefetched, serverTrpc } from '@/lib/trpc-server';

export default async function PreflightPage() {
  const trpc = await serverTrpc();
  // no figure named: the server assumes the largest VM that passes devices through
  await prefetch(trpc.passthrough.preflight.queryOptions({}));
  return (
    <Prefetched>
      <PreflightView />
    </Prefetched>
  );
}
