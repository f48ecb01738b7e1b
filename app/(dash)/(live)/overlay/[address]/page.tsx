import { OverlayForDevice } from '@/components/passthrough/overlay-for-device';
import { prefetch, Prefetched, serverTrpc } from '@/lib/trpc-server';

export default async function DeviceOverlayPage({ params }: { params: Promise<{ address: string }> }) {
  const address = decodeURIComponent((await params).address);
  const trpc = await serverTrpc();
  await prefetch(
    trpc.passthrough.overlayFor.queryOptions({ address }),
    trpc.host.device.queryOptions({ address }),
    trpc.passthrough.simOverlay.queryOptions(),
    trpc.host.groups.queryOptions(),
  );
  return (
    <Prefetched>
      <OverlayForDevice address={address} />
    </Prefetched>
  );
}
