'use client';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '@/lib/trpc';
import { errorText } from '@/common/errors';
import { Field } from './field';

export function ChangePasswordForm() {
  const trpc = useTRPC();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const change = useMutation(
    trpc.auth.changePassword.mutationOptions({
      onSuccess: () => {
        setCurrent('');
        setNext('');
        setRepeat('');
      },
    }),
  );
  const mismatch = repeat !== '' && next !== repeat;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!mismatch) change.mutate({ current, next });
  };
  return (
    <form onSubmit={submit} className="max-w-sm space-y-3" aria-label="Change password">
      <Field label="Current password" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required />
      <Field label="New password" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} required />
      <Field label="New password again" type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} required />
      {mismatch && <p className="text-sm text-bad">The two new passwords differ.</p>}
      {change.error && (
        <p role="alert" className="text-sm text-bad">
          {errorText(change.error)}
        </p>
      )}
      {change.isSuccess && (
        <p role="status" className="text-sm text-ok">
          Password changed. Your other sessions have been logged out.
        </p>
      )}
      <button type="submit" disabled={change.isPending || mismatch} className="rounded bg-slate-900 px-3 py-1.5 text-sm text-white hover:bg-slate-700 disabled:opacity-50">
        Change password
      </button>
    </form>
  );
}
