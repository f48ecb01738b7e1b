import { DeviceView } from '@/components/device/device-view';
import { prefetch, Prefetched, serverTrpc } from '@/lib/trpc-server';

export default async function DevicePage({ params }: { params: Promise<{ address: string }> }) {
  const address = decodeURIComponent((await params).address);
  const trpc = await serverTrpc();
  await prefetch(trpc.host.device.queryOptions({ address }));
  return (
    <Prefetched>
      <DeviceView address={address} />
    </Prefetched>
  );
}
