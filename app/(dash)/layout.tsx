import type { ReactNode } from 'react';
import { LiveUpdates } from '@/components/providers';
import { NavBar } from '@/components/layout/nav-bar';
import { prefetch, Prefetched, serverTrpc } from '@/lib/trpc-server';

/** Every dashboard page: who is logged in (the nav bar, role-dependent buttons) comes with the page. */
export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const trpc = await serverTrpc();
  await prefetch(trpc.auth.me.queryOptions());
  return (
    <Prefetched>
      <div className="min-h-full">
        <LiveUpdates />
        <NavBar />
        <main className="mx-auto max-w-7xl px-4 py-6">{children}</main>
      </div>
    </Prefetched>
  );
}
