'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/lib/trpc';
import { Badge } from '@/components/ui/badge';
import { errorText } from '@/common/errors';
import { LocalTime } from '@/components/ui/local-time';

type Role = 'viewer' | 'admin';

function UserRow({ name, role, createdAt, self }: { name: string; role: Role; createdAt: string; self: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = { onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() }) };
  const setRole = useMutation(trpc.users.setRole.mutationOptions(refresh));
  const reset = useMutation(trpc.users.resetPassword.mutationOptions({ onSuccess: () => setNewPassword(null) }));
  const remove = useMutation(trpc.users.remove.mutationOptions(refresh));
  const [newPassword, setNewPassword] = useState<string | null>(null);
  const error = setRole.error ?? reset.error ?? remove.error;
  return (
    <tr className="border-t border-slate-100 align-top" data-testid={`user-${name}`}>
      <td className="py-2 pr-3 font-medium">
        {name} {self && <Badge>you</Badge>}
      </td>
      <td className="py-2 pr-3">
        <select
          aria-label={`Role of ${name}`}
          className="rounded border border-slate-300 px-2 py-1"
          value={role}
          disabled={setRole.isPending}
          onChange={(e) => setRole.mutate({ name, role: e.target.value as Role })}
        >
          <option value="viewer">viewer</option>
          <option value="admin">admin</option>
        </select>
      </td>
      <td className="py-2 pr-3 text-slate-500"><LocalTime at={createdAt} /></td>
      <td className="space-y-1 py-2">
        <div className="flex flex-wrap gap-2">
          {newPassword === null ? (
            <button className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-100" onClick={() => setNewPassword('')}>
              Reset password
            </button>
          ) : (
            <form
              className="flex gap-2"
              onSubmit={(e) => {
                e.preventDefault();
                reset.mutate({ name, password: newPassword });
              }}
            >
              <input
                aria-label={`New password for ${name}`}
                type="password"
                autoComplete="new-password"
                className="rounded border border-slate-300 px-2 py-1"
                value={newPassword}
                onChange={(e) => setNewPassword(e.target.value)}
              />
              <button type="submit" className="rounded bg-slate-900 px-2 py-1 text-white">
                Set
              </button>
              <button type="button" className="px-1 text-slate-500" onClick={() => setNewPassword(null)}>
                Cancel
              </button>
            </form>
          )}
          {!self && (
            <button
              className="rounded border border-red-300 px-2 py-1 text-red-700 hover:bg-red-50"
              onClick={() => {
                if (window.confirm(`Delete the user "${name}"? Their sessions end at once.`)) remove.mutate({ name });
              }}
            >
              Delete
            </button>
          )}
        </div>
        {reset.isSuccess && <p className="text-sm text-ok">Password set; {name}&apos;s sessions have ended.</p>}
        {error && (
          <p role="alert" className="text-sm text-bad">
            {errorText(error)}
          </p>
        )}
      </td>
    </tr>
  );
}

export function UsersTable() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const users = useQuery(trpc.users.list.queryOptions());
  if (users.error) return <p className="text-bad">{errorText(users.error)}</p>;
  return (
    <table className="w-full text-left text-sm">
      <thead className="text-slate-500">
        <tr>
          <th className="py-1 pr-3 font-normal">User</th>
          <th className="py-1 pr-3 font-normal">Role</th>
          <th className="py-1 pr-3 font-normal">Created</th>
          <th className="py-1 font-normal">Actions</th>
        </tr>
      </thead>
      <tbody>
        {users.data?.map((u) => <UserRow key={u.name} {...u} self={u.name === me.data?.name} />)}
      </tbody>
    </table>
  );
}
