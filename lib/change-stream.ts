// One change stream per tab, shared by whatever follows it (the nav bar, the overview, the live pages'
// queries): each open stream is a held HTTP connection, and a browser allows few per host.
import type { ChangeEvent } from '@/server/events';
import { loadTrpc } from './trpc-load';

export interface ChangeListener {
  onChange(event: ChangeEvent): void;
  /**
   * The server ended the stream because this user's role, password or account changed (their open
   * streams were opened under the old state: server/auth/user-admin.ts) and the session still holds:
   * it is followed again, and what was shown may be out of date. (No session: the tab goes to /login.)
   */
  onResumed?(): void;
}

const listeners = new Set<ChangeListener>();
let close: (() => void) | null = null;

function open(): () => void {
  let closed = false;
  let unsubscribe: (() => void) | null = null;
  void loadTrpc().then((trpc) => {
    if (closed) return;
    const sub = trpc.events.onChange.subscribe(undefined, {
      onData: (event) => {
        for (const l of [...listeners]) l.onChange(event);
      },
      onComplete: () => {
        if (closed) return;
        void trpc.auth.me.query().then((me) => {
          if (closed) return;
          if (!me) return window.location.assign('/login');
          unsubscribe = open();
          for (const l of [...listeners]) l.onResumed?.();
        });
      },
    });
    unsubscribe = () => sub.unsubscribe();
  });
  return () => {
    closed = true;
    unsubscribe?.();
  };
}

/** Follows the dashboard's changes until the returned function is called. */
export function followChanges(listener: ChangeListener): () => void {
  listeners.add(listener);
  close ??= open();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      close?.();
      close = null;
    }
  };
}
