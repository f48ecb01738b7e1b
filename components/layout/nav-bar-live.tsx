'use client';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { followChanges } from '@/lib/change-stream';
import { changesWhoIsShown } from '@/lib/trpc-live';

/**
 * Keeps the server-rendered user in the nav bar current (role, name, admin links): a change to the
 * users, or this user's own role change (their stream ends and is resumed), renders the page again.
 */
export function NavBarLive() {
  const router = useRouter();
  useEffect(
    () =>
      followChanges({
        onChange: (event) => {
          if (changesWhoIsShown(event)) router.refresh();
        },
        onResumed: () => router.refresh(),
      }),
    [router],
  );
  return null;
}
