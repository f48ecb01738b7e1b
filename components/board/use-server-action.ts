'use client';
import type { TRPCClient } from '@trpc/client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { AppRouter } from '@/server/trpc/root';
import { loadTrpc } from '@/lib/trpc-load';

/**
 * A change made from the server-rendered overview: the tRPC client is loaded on first use, and once
 * the change is done the page is rendered again on the server (other open pages follow through the
 * change stream: overview-live.tsx).
 */
export function useServerAction<A extends unknown[]>(run: (trpc: TRPCClient<AppRouter>, ...args: A) => Promise<unknown>, onDone?: () => void) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const start = (...args: A) => {
    setPending(true);
    setError(null);
    loadTrpc()
      .then((trpc) => run(trpc, ...args))
      .then(() => {
        router.refresh();
        onDone?.();
      }, setError)
      .finally(() => setPending(false));
  };
  return { start, pending, error };
}
