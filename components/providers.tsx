'use client';
import { QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useState, type ReactNode } from 'react';
import superjson from 'superjson';
import type { AppRouter } from '@/server/trpc/root';
import { TRPCProvider, useTRPC } from '@/lib/trpc';
import { makeQueryClient } from '@/lib/query-client';
import { TRPC_MAX_BATCH } from '@/lib/limits';
import { invalidateTouched } from '@/lib/trpc-live';
import type { ChangeEvent } from '@/server/events';

function makeClients() {
  const queryClient = makeQueryClient();
  const trpcClient = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url: '/api/trpc', transformer: superjson }),
        // the server refuses bigger batches (server/app.ts)
        false: httpBatchLink({ url: '/api/trpc', transformer: superjson, maxItems: TRPC_MAX_BATCH }),
      }),
    ],
  });
  return { queryClient, trpcClient };
}

/** Keeps what is on screen current: each change event refetches only the queries it touches. */
export function LiveUpdates() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  useSubscription(trpc.events.onChange.subscriptionOptions(undefined, { onData: (event: ChangeEvent) => invalidateTouched(queryClient, trpc, event) }));
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
