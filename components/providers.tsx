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

/** Refetches, of what is on screen, only what the change touches: a new audit row reloads the audit log, nothing else. */
export function LiveUpdates() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  useSubscription(
    trpc.events.onChange.subscriptionOptions(undefined, {
      onData: (event: ChangeEvent) => {
        const touched =
          event.kind === 'audit'
            ? [trpc.audit.pathKey()]
            : event.kind === 'users'
              ? [trpc.users.pathKey(), trpc.auth.pathKey()]
              : event.kind === 'vm'
              ? [trpc.vms.pathKey(), trpc.host.pathKey(), trpc.passthrough.pathKey()]
              : [trpc.host.pathKey(), trpc.passthrough.pathKey(), trpc.power.pathKey(), trpc.vms.pathKey()];
        for (const queryKey of touched) void queryClient.invalidateQueries({ queryKey });
      },
    }),
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
