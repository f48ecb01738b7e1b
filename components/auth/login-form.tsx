'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '@/lib/trpc';

/** Only paths on this server are followed after login ("//evil", "/\\evil" and "https://…" are not). */
function safeNext(raw: string | null): string {
  if (!raw || !raw.startsWith('/')) return '/';
  const target = new URL(raw, window.location.origin);
  return target.origin === window.location.origin && target.pathname !== '/login' ? target.pathname + target.search : '/';
}

export function LoginForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const params = useSearchParams();
  const [name, setName] = useState('admin');
  const [password, setPassword] = useState('');
  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: () => {
        router.replace(safeNext(params.get('next')));
        router.refresh();
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate({ name, password });
  };
  return (
    <form onSubmit={submit} className="space-y-4">
      <label className="block text-sm">
        <span className="text-slate-700">User</span>
        <input
          name="username"
          autoComplete="username"
          className="mt-1 w-full rounded border border-slate-300 px-3 py-2"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      <label className="block text-sm">
        <span className="text-slate-700">Password</span>
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          className="mt-1 w-full rounded border border-slate-300 px-3 py-2"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      {login.error && (
        <p role="alert" className="text-sm text-bad">
          {login.error.message}
        </p>
      )}
      <button type="submit" disabled={login.isPending} className="w-full rounded bg-slate-900 py-2 text-white hover:bg-slate-700 disabled:opacity-50">
        {login.isPending ? 'Logging in…' : 'Log in'}
      </button>
    </form>
  );
}
