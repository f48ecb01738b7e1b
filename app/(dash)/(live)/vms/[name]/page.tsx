import { VmDetail } from '@/components/vm/vm-detail';
import { prefetch, Prefetched, serverTrpc } from '@/lib/trpc-server';

export default async function VmPage({ params }: { params: Promise<{ name: string }> }) {
  const name = decodeURIComponent((await params).name);
  const trpc = await serverTrpc();
  await prefetch(trpc.vms.get.queryOptions({ name }));
  return (
    <Prefetched>
      <VmDetail name={name} />
    </Prefetched>
  );
}
