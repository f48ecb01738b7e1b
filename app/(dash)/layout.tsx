import type { ReactNode } from 'react';
import { LiveUpdates } from '@/components/providers';
import { NavBar } from '@/components/layout/nav-bar';

export default function DashboardLayout({ children }: { children: ReactNode }) {
  return (
    <div className="min-h-full">
      <LiveUpdates />
      <NavBar />
      <main className="mx-auto max-w-7xl px-4 py-6">{children}</main>
    </div>
  );
}
