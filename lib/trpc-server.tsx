// Server components only: prefetch what a page shows, so its first HTML already holds the data.
import { dehydrate, HydrationBoundary, type FetchQueryOptions } from '@tanstack/react-query';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { headers } from 'next/headers';
import { cache, type ReactNode } from 'react';
import { INTERNAL_ERROR_MESSAGE } from '@/common/errors';
import { PAGES_BRIDGE_KEY } from '@/common/pages-bridge';
import type { WithPagesBridge } from '@/server/http/pages-bridge';
import type { AppRouter } from '@/server/trpc/root';
import { makeQueryClient } from './query-client';

/** One QueryClient per request. */
const queryClient = cache(makeQueryClient);

function bridge() {
  const found = (globalThis as WithPagesBridge)[PAGES_BRIDGE_KEY];
  if (!found) throw new Error('jetvm pages run only under the jetvm server (server/app.ts), which gives them its services');
  return found;
}

/** The tRPC options proxy for this request, calling the router directly with the request's session. */
export const serverTrpc = cache(async () => {
  const cookie = (await headers()).get('cookie');
  const { router, contextFor } = bridge();
  return createTRPCOptionsProxy<AppRouter>({ router, ctx: () => contextFor(cookie), queryClient });
});

/** What serverTrpc's queryOptions() and infiniteQueryOptions() give: the key's second part says which. */
type Prefetchable = { queryKey: readonly unknown[] };
const isInfinite = (o: Prefetchable) => (o.queryKey[1] as { type?: string } | undefined)?.type === 'infinite';

/** Runs the queries on the server; a failed one (no session, not an admin) is not sent: the browser asks again. */
export async function prefetch(...options: Prefetchable[]): Promise<void> {
  const client = queryClient();
  await Promise.all(options.map((o) => (isInfinite(o) ? client.prefetchInfiniteQuery(o as any) : client.prefetchQuery(o as any))));
}

export type Called<T> = { ok: true; data: T } | { ok: false; message: string };

/** A query's answer for a page rendered on the server alone (the overview), or what to say instead; a bug's text stays in the server. */
export async function serverCall<T>(options: FetchQueryOptions<T, any, T, any>): Promise<Called<T>> {
  try {
    return { ok: true, data: await queryClient().fetchQuery(options) };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return { ok: false, message: code === 'INTERNAL_SERVER_ERROR' || !(err instanceof Error) ? INTERNAL_ERROR_MESSAGE : err.message };
  }
}

/** Hands what prefetch fetched to the client components below. */
export function Prefetched({ children }: { children: ReactNode }) {
  return <HydrationBoundary state={dehydrate(queryClient())}>{children}</HydrationBoundary>;
}
