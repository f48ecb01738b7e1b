import { createTRPCClient, type TRPCClient } from '@trpc/client';
import type { AppRouter } from '@/server/trpc/root';
import { trpcLinks } from './trpc-links';

let client: TRPCClient<AppRouter> | null = null;

/** The plain tRPC client (no React Query) of the server-rendered overview's islands: one per page. */
export function vanillaTrpc(): TRPCClient<AppRouter> {
  return (client ??= createTRPCClient<AppRouter>({ links: trpcLinks() }));
}
