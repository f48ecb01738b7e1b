import { ShellView } from '@/components/shell/shell-view';
import { prefetch, Prefetched, serverTrpc } from '@/lib/trpc-server';

export default async function ShellPage() {
  const trpc = await serverTrpc();
  await prefetch(trpc.shell.status.queryOptions());
  return (
    <Prefetched>
      <ShellView />
    </Prefetched>
  );
}
