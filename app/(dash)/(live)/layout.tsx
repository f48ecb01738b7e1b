import type { ReactNode } from 'react';
import { LiveUpdates, Providers } from '@/components/providers';
import { prefetch, Prefetched, serverTrpc } from '@/lib/trpc-server';

/**
 * Every dashboard page but the overview: React Query fed by the server's prefetch, kept current by
 * the change stream. (The overview renders on the server and refreshes itself: components/board/overview-live.tsx.)
 */
export default async function LiveLayout({ children }: { children: ReactNode }) {
  const trpc = await serverTrpc();
  await prefetch(trpc.auth.me.queryOptions());
  return (
    <Providers>
      <Prefetched>
        <LiveUpdates />
        {children}
      </Prefetched>
    </Providers>
  );
}
