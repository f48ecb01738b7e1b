'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { VmDefinition, VmState } from '@/server/vm/types';
import { useTRPC } from '@/lib/trpc';
import { errorDataOf, errorText } from '@/common/errors';
import { isUp } from './vm-state';

const BTN = 'rounded border px-2.5 py-1 text-sm disabled:cursor-not-allowed disabled:opacity-40';
const PLAIN = `${BTN} border-slate-300 text-slate-800 hover:bg-slate-100`;
const DANGER = `${BTN} border-red-300 text-red-700 hover:bg-red-50`;

type Mode = 'idle' | 'clone' | 'delete';

/** Edit / Clone (asks the new name) / Delete (asks to confirm; refused while the VM runs). Admins only. */
export function VmDefinitionActions({ vm, state, onEdit, editing }: { vm: VmDefinition; state: VmState; onEdit: () => void; editing: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [mode, setMode] = useState<Mode>('idle');
  const [newName, setNewName] = useState(`${vm.name}-copy`.slice(0, 32));
  const [error, setError] = useState<string | null>(null);
  // the clone's only input is the new name: its issues are about that name
  const onError = (err: unknown) => setError(errorDataOf(err)?.issues?.map((i) => `New name: ${i.message}`).join('; ') ?? errorText(err));
  const clone = useMutation(
    trpc.vms.clone.mutationOptions({
      onSuccess: (copy) => {
        void queryClient.invalidateQueries();
        router.push(`/vms/${encodeURIComponent(copy.name)}`);
      },
      onError,
    }),
  );
  const del = useMutation(
    trpc.vms.delete.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries();
        router.push('/vms');
      },
      onError,
    }),
  );
  const up = isUp(state);
  const busy = clone.isPending || del.isPending;
  const go = (m: Mode) => {
    setError(null);
    setMode(m);
  };
  return (
    <div className="space-y-2" data-testid="vm-definition-actions">
      <div className="flex flex-wrap gap-1.5">
        <button className={PLAIN} onClick={onEdit} disabled={editing || busy}>
          Edit
        </button>
        <button className={PLAIN} onClick={() => go('clone')} disabled={busy}>
          Clone
        </button>
        <button className={DANGER} onClick={() => go('delete')} disabled={busy || up} title={up ? 'stop the VM before deleting it' : undefined}>
          Delete
        </button>
      </div>
      {up && <p className="text-xs text-slate-500">Delete: stop the VM first.</p>}
      {mode === 'clone' && (
        <form
          className="flex flex-wrap items-center gap-1.5"
          data-testid="clone-form"
          onSubmit={(e) => {
            e.preventDefault();
            setError(null);
            clone.mutate({ name: vm.name, newName: newName.trim() });
          }}
        >
          <label htmlFor="clone-name" className="text-sm text-slate-700">
            Name of the copy
          </label>
          <input id="clone-name" className="w-40 rounded border border-slate-300 px-2 py-1 text-sm" value={newName} onChange={(e) => setNewName(e.target.value)} autoFocus autoComplete="off" />
          <button type="submit" className={PLAIN} disabled={busy}>
            Clone VM
          </button>
          <button type="button" className={PLAIN} onClick={() => go('idle')} disabled={busy}>
            Cancel
          </button>
        </form>
      )}
      {mode === 'delete' && (
        <div className="max-w-sm space-y-1.5 rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900" data-testid="delete-confirm">
          <p>
            Delete VM <b>{vm.name}</b>? Its definition goes; the kernel, initrd and disk images stay on disk.
          </p>
          <div className="flex gap-1.5">
            <button className={`${DANGER} bg-white`} onClick={() => del.mutate({ name: vm.name })} disabled={busy || up}>
              Delete {vm.name}
            </button>
            <button className={`${PLAIN} bg-white`} onClick={() => go('idle')} disabled={busy}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {error && (
        <p role="alert" className="max-w-sm text-xs text-red-700" data-testid="vm-definition-error">
          {error}
        </p>
      )}
    </div>
  );
}
