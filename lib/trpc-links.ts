import { httpBatchLink, httpSubscriptionLink, splitLink, type TRPCLink } from '@trpc/client';
import superjson from 'superjson';
import type { AppRouter } from '@/server/trpc/root';
import { TRPC_MAX_BATCH } from './limits';

/** How the browser talks to /api/trpc: subscriptions over server-sent events, the rest batched. */
export function trpcLinks(): TRPCLink<AppRouter>[] {
  return [
    splitLink({
      condition: (op) => op.type === 'subscription',
      true: httpSubscriptionLink({ url: '/api/trpc', transformer: superjson }),
      // the server refuses bigger batches (server/app.ts)
      false: httpBatchLink({ url: '/api/trpc', transformer: superjson, maxItems: TRPC_MAX_BATCH }),
    }),
  ];
}
