'use client';
import dynamic from 'next/dynamic';
import { useState } from 'react';
import type { DeviceState } from '@/server/overview/device-state';
import type { PlanKind } from '@/server/passthrough/types';
import { smallButton, VERB } from './buttons';
import { useIsAdmin } from './use-is-admin';

// the dialog (plan, writes, progress) is downloaded when a button is clicked, not with the page
const ChangeDialog = dynamic(() => import('./change-dialog').then((m) => m.ChangeDialog), { ssr: false });

/** Which changes make sense for endpoints in these states (both while a group is half bound). */
export function possibleChanges(states: DeviceState[]): PlanKind[] {
  const kinds: PlanKind[] = [];
  if (states.some((s) => s.kind === 'host' || s.kind === 'none')) kinds.push('bind');
  if (states.some((s) => s.kind === 'vfio' || s.kind === 'vm')) kinds.push('release');
  return kinds;
}

/**
 * "Pass through" / "Return to host" for the group of `address`; `states` are the states of the
 * endpoints around it. Viewers get the same dialog, read-only.
 */
export function ChangeButtons({ address, states }: { address: string; states: DeviceState[] }) {
  const admin = useIsAdmin();
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
