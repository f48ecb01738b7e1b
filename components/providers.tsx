'use client';
import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useState, type ReactNode } from 'react';
import superjson from 'superjson';
import type { AppRouter } from '@/server/trpc/root';
import { TRPCProvider, useTRPC } from '@/lib/trpc';
import { errorDataOf } from '@/shared/errors';

function makeClients() {
  const queryClient = new QueryClient({
    defaultOptions: { queries: { staleTime: 2_000, retry: (n, err) => n < 2 && errorDataOf(err)?.code !== 'UNAUTHORIZED' } },
  });
  const trpcClient = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url: '/api/trpc', transformer: superjson }),
        false: httpBatchLink({ url: '/api/trpc', transformer: superjson }),
      }),
    ],
  });
  return { queryClient, trpcClient };
}

/** Refetches whatever is on screen when the host, a VM or the audit log changes. */
export function LiveUpdates() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  useSubscription(
    trpc.events.onChange.subscriptionOptions(undefined, {
      onData: () => void queryClient.invalidateQueries(),
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
