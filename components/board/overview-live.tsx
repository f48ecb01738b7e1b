'use client';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { followChanges } from '@/lib/change-stream';

/** How often the overview is rendered again with no change event: the data disk's free space moves without one. */
const QUIET_REFRESH_MS = 30_000;

/**
 * Keeps the server-rendered overview current: a change to the host or a VM renders it again on the
 * server (router.refresh keeps scroll, open details and typed input). The change stream's client is
 * loaded once the page is on screen, so it is not part of the page's first load (lib/change-stream.ts).
 */
export function OverviewLive() {
  const router = useRouter();
  useEffect(() => {
    const stop = followChanges({
      onChange: (event) => {
        if (event.kind === 'host' || event.kind === 'vm') router.refresh();
      },
    });
    const timer = setInterval(() => router.refresh(), QUIET_REFRESH_MS);
    return () => {
      stop();
      clearInterval(timer);
    };
  }, [router]);
  return null;
}
