'use client';
import { skipToken, useMutation } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useState } from 'react';
import { useTRPC } from '@/lib/trpc';
import type { ApplyEvent } from '@/server/passthrough/apply';
import type { Plan, PlanKind } from '@/server/passthrough/types';
import { newOperationId } from './operation-id';

/**
 * Runs a bind or release with live progress: subscribes to passthrough.progress under a fresh
 * operation id and calls the mutation with the same id and the writes the user confirmed. The hub
 * replays earlier events to a late subscriber, so the order of the two requests does not matter.
 */
export function useHostChange(kind: PlanKind) {
  const trpc = useTRPC();
  const [operationId, setOperationId] = useState<string | null>(null);
  const [events, setEvents] = useState<ApplyEvent[]>([]);
  const [confirmed, setConfirmed] = useState<Plan | null>(null);
  useSubscription(
    trpc.passthrough.progress.subscriptionOptions(operationId ? { operationId } : skipToken, {
      // a reconnect replays from 'start': begin again rather than show steps twice
      onData: (e) => setEvents((prev) => (e.type === 'start' ? [e] : [...prev, e])),
    }),
  );
  const mutation = useMutation((kind === 'bind' ? trpc.passthrough.bind : trpc.passthrough.release).mutationOptions());

  return {
    /** the plan as it was when the user confirmed it (the live plan changes once the writes land) */
    confirmed,
    events,
    outcome: mutation.data ?? null,
    error: mutation.error,
    running: mutation.isPending,
    run(plan: Plan) {
      const id = newOperationId();
      setEvents([]);
      setConfirmed(plan);
      setOperationId(id);
      mutation.mutate({ address: plan.target, confirmedWrites: plan.writes.map(({ path, value }) => ({ path, value })), operationId: id });
    },
    reset() {
      mutation.reset();
      setConfirmed(null);
      setOperationId(null);
      setEvents([]);
    },
  };
}
