'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc';
import { ShellUnlock } from '@/components/shell/shell-unlock';
import { Notice } from '@/components/ui/notice';
import { Loading, PageTitle } from '@/components/ui/page-state';

export function ShellView() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const isAdmin = me.data?.role === 'admin';
  const status = useQuery(trpc.shell.status.queryOptions(undefined, { enabled: isAdmin }));
  if (me.isLoading || (isAdmin && status.isLoading)) return <Loading what="the host shell" />;
  return (
    <div className="space-y-4">
      <PageTitle sub="A login shell on the machine running jetvm, as the user jetvm runs as. Every session is in the audit log, with its transcript.">Host shell</PageTitle>
      {!isAdmin ? (
        <Notice tone="warn" title="Administrators only">The host shell needs the admin role.</Notice>
      ) : !status.data?.enabled ? (
        <Notice tone="neutral" title="The host shell is off" testId="shell-off">
          It is a root shell on this machine, so it is served only when jetvm is started with <code>JETVM_HOST_SHELL=1</code>.
        </Notice>
      ) : (
        <ShellUnlock />
      )}
    </div>
  );
}
