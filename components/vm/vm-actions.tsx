'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { VmState } from '@/server/vm/types';
import { useTRPC } from '@/lib/trpc';
import { isUp } from './vm-state';

function ActionButton({ label, onClick, disabled, danger, title }: { label: string; onClick: () => void; disabled: boolean; danger?: boolean; title?: string }) {
  const tone = danger ? 'border-red-300 text-red-700 hover:bg-red-50' : 'border-slate-300 text-slate-800 hover:bg-slate-100';
  return (
    <button className={`rounded border px-2.5 py-1 text-sm disabled:cursor-not-allowed disabled:opacity-40 ${tone}`} onClick={onClick} disabled={disabled} title={title}>
      {label}
    </button>
  );
}

/** Start / Stop / Force stop / Restart for one VM; administrators only. Errors are shown under the buttons. */
export function VmActions({ name, state }: { name: string; state: VmState }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions());
  const [error, setError] = useState<string | null>(null);
  const done = {
    onSuccess: () => {
      setError(null);
      void queryClient.invalidateQueries();
    },
    onError: (err: { message: string }) => setError(err.message),
  };
  const start = useMutation(trpc.vms.start.mutationOptions(done));
  const stop = useMutation(trpc.vms.stop.mutationOptions(done));
  const forceStop = useMutation(trpc.vms.forceStop.mutationOptions(done));
  const restart = useMutation(trpc.vms.restart.mutationOptions(done));
  const busy = start.isPending || stop.isPending || forceStop.isPending || restart.isPending;
  const admin = me.data?.role === 'admin';
  const why = admin ? undefined : 'needs the admin role';
  const up = isUp(state);
  return (
    <div className="space-y-1">
      <div className="flex flex-wrap gap-1.5">
        <ActionButton label="Start" onClick={() => start.mutate({ name })} disabled={!admin || busy || up} title={why} />
        <ActionButton label="Stop" onClick={() => stop.mutate({ name, timeoutSec: 10 })} disabled={!admin || busy || !up} title={why ?? 'power button, then quit after 10 s'} />
        <ActionButton label="Force stop" danger onClick={() => forceStop.mutate({ name })} disabled={!admin || busy || !up} title={why ?? 'quit QEMU now'} />
        <ActionButton label="Restart" onClick={() => restart.mutate({ name, timeoutSec: 10 })} disabled={!admin || busy || !up} title={why} />
      </div>
      {busy && <p className="text-xs text-slate-500">working…</p>}
      {error && (
        <p role="alert" className="max-w-xl text-xs text-red-700" data-testid="vm-action-error">
          {error}
        </p>
      )}
    </div>
  );
}
