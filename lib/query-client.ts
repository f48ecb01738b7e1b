import { defaultShouldDehydrateQuery, QueryClient } from '@tanstack/react-query';
import superjson from 'superjson';
import { errorDataOf } from '@/common/errors';

/**
 * The one QueryClient setup, for the browser (components/providers.tsx) and for each server render
 * (lib/trpc-server.ts). Data prefetched on the server crosses to the browser in superjson form, as tRPC's does.
 */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 2_000, retry: (n, err) => n < 2 && errorDataOf(err)?.code !== 'UNAUTHORIZED' },
      // only successful queries go to the page: a refusal (no session, not an admin) is left for the browser to ask again
      dehydrate: { serializeData: superjson.serialize, shouldDehydrateQuery: defaultShouldDehydrateQuery },
      hydrate: { deserializeData: superjson.deserialize },
    },
  });
}
