'use client';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { loadTrpc } from '@/lib/trpc-load';

/** How often the overview is rendered again with no change event: the data disk's free space moves without one. */
const QUIET_REFRESH_MS = 30_000;

/**
 * Keeps the server-rendered overview current: a change to the host or a VM renders it again on the
 * server (router.refresh keeps scroll, open details and typed input). The change stream's client is
 * loaded once the page is on screen, so it is not part of the page's first load.
 */
export function OverviewLive() {
  const router = useRouter();
  useEffect(() => {
    let stop: (() => void) | null = null;
    let closed = false;
    void loadTrpc().then((trpc) => {
      if (closed) return;
      const sub = trpc.events.onChange.subscribe(undefined, {
        onData: (event) => {
          if (event.kind === 'host' || event.kind === 'vm') router.refresh();
        },
      });
      stop = () => sub.unsubscribe();
    });
    const timer = setInterval(() => router.refresh(), QUIET_REFRESH_MS);
    return () => {
      closed = true;
      stop?.();
      clearInterval(timer);
    };
  }, [router]);
  return null;
}
