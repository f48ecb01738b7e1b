import { OverlayIndex } from '@/components/passthrough/overlay-index';
import { prefetch, Prefetched, serverTrpc } from '@/lib/trpc-server';

/** Every group a platform device keeps from being viable, each leading to the overlay that fixes it. */
export default async function OverlayIndexPage() {
  const trpc = await serverTrpc();
  await prefetch(trpc.host.groups.queryOptions(), trpc.passthrough.simOverlay.queryOptions());
  return (
    <Prefetched>
      <OverlayIndex />
    </Prefetched>
  );
}
