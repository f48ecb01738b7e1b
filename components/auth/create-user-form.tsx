'use client';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '@/lib/trpc';
import { errorText } from '@/common/errors';
import { Field } from './field';

export function CreateUserForm() {
  const trpc = useTRPC();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<'viewer' | 'admin'>('viewer');
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: () => {
        setName('');
        setPassword('');
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ name, role, password });
  };
  return (
    <form onSubmit={submit} className="grid gap-3 sm:grid-cols-[1fr_1fr_auto_auto] sm:items-end" aria-label="Create user">
      <Field label="New user name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" required />
      <Field label="Initial password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" required />
      <label className="block text-sm">
        <span className="text-slate-700">Role</span>
        <select className="mt-1 block rounded border border-slate-300 px-2 py-1.5" value={role} onChange={(e) => setRole(e.target.value as 'viewer' | 'admin')}>
          <option value="viewer">viewer</option>
          <option value="admin">admin</option>
        </select>
      </label>
      <button type="submit" disabled={create.isPending} className="rounded bg-slate-900 px-3 py-1.5 text-sm text-white hover:bg-slate-700 disabled:opacity-50">
        Create user
      </button>
      {create.error && (
        <p role="alert" className="text-sm text-bad sm:col-span-4">
          {errorText(create.error)}
        </p>
      )}
    </form>
  );
}
