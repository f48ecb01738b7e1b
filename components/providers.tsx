'use client';
import { QueryClientContext, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { useContext, useEffect, useState, type ReactNode } from 'react';
import { TRPCProvider, useTRPC } from '@/lib/trpc';
import { makeQueryClient } from '@/lib/query-client';
import { vanillaTrpc } from '@/lib/trpc-vanilla';
import { invalidateTouched } from '@/lib/trpc-live';
import { followChanges } from '@/lib/change-stream';

// the page's one tRPC client: the change stream (lib/change-stream.ts) goes through the same one
function makeClients() {
  return { queryClient: makeQueryClient(), trpcClient: vanillaTrpc() };
}

/**
 * Keeps what is on screen current: each change event refetches only the queries it touches; after
 * this user's own role changed (the stream resumed), everything.
 */
export function LiveUpdates() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  useEffect(
    () =>
      followChanges({
        onChange: (event) => invalidateTouched(queryClient, trpc, event),
        onResumed: () => void queryClient.invalidateQueries(),
      }),
    [queryClient, trpc],
  );
  return null;
}

export function Providers({ children }: { children: ReactNode }) {
  const [{ queryClient, trpcClient }] = useState(makeClients);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}

/** For a part loaded on its own into a page without them (the overview's pass-through dialog). */
export function EnsureProviders({ children }: { children: ReactNode }) {
  return useContext(QueryClientContext) ? children : <Providers>{children}</Providers>;
}
