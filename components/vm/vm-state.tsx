'use client';
import { useEffect, useState } from 'react';
import type { VmState } from '@/server/vm/types';
import { Badge } from '@/components/ui/badge';
import type { Tone } from '@/components/ui/tone';

const TONE: Record<VmState, Tone> = {
  running: 'ok',
  starting: 'info',
  paused: 'warn',
  stopping: 'info',
  stopped: 'neutral',
  shutdown: 'neutral',
  crashed: 'bad',
};

export function VmStateBadge({ state }: { state: VmState }) {
  return (
    <Badge tone={TONE[state]} testId="vm-state">
      {state}
    </Badge>
  );
}

export const isUp = (state: VmState) => state === 'running' || state === 'starting' || state === 'paused' || state === 'stopping';

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = d ? [`${d}d`, `${h}h`, `${m}m`] : h ? [`${h}h`, `${m}m`, `${s % 60}s`] : m ? [`${m}m`, `${s % 60}s`] : [`${s}s`];
  return parts.join(' ');
}

/** Time since `since` while the VM is up, ticking every second; "—" otherwise. */
export function Uptime({ state, since }: { state: VmState; since: string | null }) {
  const [now, setNow] = useState(() => Date.now());
  const up = isUp(state) && since;
  useEffect(() => {
    if (!up) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [up]);
  if (!up) return <span className="text-slate-400">—</span>;
  return <span data-testid="vm-uptime">{formatDuration(now - Date.parse(since))}</span>;
}
