import type { ReactNode } from 'react';
import { NavBar } from '@/components/layout/nav-bar';
import { serverCall, serverTrpc } from '@/lib/trpc-server';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const trpc = await serverTrpc();
  const me = await serverCall(trpc.auth.me.queryOptions());
  return (
    <div className="min-h-full">
      <NavBar me={me.ok ? me.data : null} />
      <main className="mx-auto max-w-7xl px-4 py-6">{children}</main>
    </div>
  );
}
