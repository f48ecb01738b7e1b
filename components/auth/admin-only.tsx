'use client';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTRPC } from '@/lib/trpc';
import { Notice } from '@/components/ui/notice';

/** Renders children for admins; viewers get a plain explanation instead of forms they cannot use. */
export function AdminOnly({ what, children }: { what: string; children: ReactNode }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  if (me.isLoading) return null;
  if (me.data?.role !== 'admin') {
    return (
      <Notice tone="info" testId="admin-only">
        {what} needs the admin role. You are logged in as {me.data?.name ?? 'nobody'} ({me.data?.role ?? 'no role'}).
      </Notice>
    );
  }
  return <>{children}</>;
}
