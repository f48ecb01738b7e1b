'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc';
import { LazyTerminal } from '@/components/console/lazy-terminal';
import { Notice } from '@/components/ui/notice';
import { Loading, PageTitle } from '@/components/ui/page-state';

export default function ShellPage() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  if (me.isLoading) return <Loading what="your account" />;
  return (
    <div className="space-y-4">
      <PageTitle sub="A login shell on the machine running jetvm, as the user jetvm runs as. Every session is in the audit log.">Host shell</PageTitle>
      {me.data?.role === 'admin' ? (
        <LazyTerminal kind="shell" wsPath="/ws/shell" testId="shell-terminal" />
      ) : (
        <Notice tone="warn" title="Administrators only">The host shell needs the admin role.</Notice>
      )}
    </div>
  );
}
