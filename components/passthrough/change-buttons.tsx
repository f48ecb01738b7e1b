'use client';
import dynamic from 'next/dynamic';
import { useState } from 'react';
import type { DeviceState } from '@/server/overview/device-state';
import type { PlanKind } from '@/server/passthrough/types';
import { smallButton, VERB } from './buttons';

// the dialog (plan, writes, progress) is downloaded when a button is clicked, not with the page; on the
// server-rendered overview it brings React Query and the tRPC client with it (EnsureProviders)
const ChangeDialog = dynamic(() => import('./change-dialog-island').then((m) => m.ChangeDialogIsland), { ssr: false });

/** Which changes make sense for endpoints in these states (both while a group is half bound). */
export function possibleChanges(states: DeviceState[]): PlanKind[] {
  const kinds: PlanKind[] = [];
  if (states.some((s) => s.kind === 'host' || s.kind === 'none')) kinds.push('bind');
  if (states.some((s) => s.kind === 'vfio' || s.kind === 'vm')) kinds.push('release');
  return kinds;
}

/**
 * "Pass through" / "Return to host" for the group of `address`; `states` are the states of the
 * endpoints around it. Viewers (admin false) get the same dialog, read-only.
 */
export function ChangeButtons({ address, states, admin }: { address: string; states: DeviceState[]; admin: boolean }) {
  const [open, setOpen] = useState<PlanKind | null>(null);
  const kinds = possibleChanges(states);
  if (kinds.length === 0) return null;
  return (
    <>
      {kinds.map((k) => (
        <button key={k} type="button" className={smallButton} onClick={() => setOpen(k)} data-testid={k === 'bind' ? 'pass-through' : 'return-to-host'}>
          {admin ? `${VERB[k]}…` : `${VERB[k]}: see the plan`}
        </button>
      ))}
      {open && <ChangeDialog kind={open} address={address} onClose={() => setOpen(null)} />}
    </>
  );
}
