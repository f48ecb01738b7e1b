'use client';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '@/lib/trpc';
import { errorText } from '@/common/errors';
import { Field } from '@/components/auth/field';
import { LazyTerminal } from '@/components/console/lazy-terminal';

/** The host shell asks for the password again; the ticket it gets opens one shell (a new one needs the password again). */
export function ShellUnlock() {
  const trpc = useTRPC();
  const [password, setPassword] = useState('');
  const [ticket, setTicket] = useState<string | null>(null);
  const unlock = useMutation(
    trpc.shell.unlock.mutationOptions({
      onSuccess: (r) => {
        setPassword('');
        setTicket(r.ticket);
      },
    }),
  );
  if (ticket) {
    return (
      <div className="space-y-2">
        <LazyTerminal kind="shell" wsPath={`/ws/shell?ticket=${encodeURIComponent(ticket)}`} testId="shell-terminal" onReconnect={() => setTicket(null)} />
        <button className="rounded border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100" onClick={() => setTicket(null)}>
          Close and lock
        </button>
      </div>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    unlock.mutate({ password });
  };
  return (
    <form onSubmit={submit} className="max-w-sm space-y-3" aria-label="Unlock the host shell">
      <Field label="Your password, again" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
      {unlock.error && (
        <p role="alert" className="text-sm text-bad">
          {errorText(unlock.error)}
        </p>
      )}
      <button type="submit" disabled={unlock.isPending} className="rounded bg-slate-900 px-3 py-1.5 text-sm text-white hover:bg-slate-700 disabled:opacity-50">
        Open the shell
      </button>
    </form>
  );
}
