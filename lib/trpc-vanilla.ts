import { createTRPCClient, type TRPCClient } from '@trpc/client';
import type { AppRouter } from '@/server/trpc/root';
import { trpcLinks } from './trpc-links';

let client: TRPCClient<AppRouter> | null = null;

/** The page's tRPC client, one per page: the overview's islands use it plain, the live pages through React Query (components/providers.tsx). */
export function vanillaTrpc(): TRPCClient<AppRouter> {
  return (client ??= createTRPCClient<AppRouter>({ links: trpcLinks() }));
}
