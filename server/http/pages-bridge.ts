import { PAGES_BRIDGE_KEY } from '../../common/pages-bridge';
import { parseCookies, SESSION_COOKIE, userForSession } from '../auth/sessions';
import type { Services } from '../services';
import { appRouter, type AppRouter } from '../trpc/root';
import type { Context } from '../trpc/trpc';

/** What the pages get: the router, and a context per page request. */
export interface PagesBridge {
  router: AppRouter;
  /**
   * A read-only context for a page request: the user comes from the session cookie by the same rule
   * as the API (none without a valid session); no Origin, so every mutation is refused.
   */
  contextFor(cookieHeader: string | null): Context;
}

export type WithPagesBridge = typeof globalThis & { [PAGES_BRIDGE_KEY]?: PagesBridge };

/** Lets the server-rendered pages call the tRPC router with these services (common/pages-bridge.ts says why a global). */
export function exposeToPages(services: Services): () => void {
  const bridge: PagesBridge = {
    router: appRouter,
    contextFor(cookieHeader) {
      const sessionToken = parseCookies(cookieHeader ?? undefined)[SESSION_COOKIE] ?? null;
      return {
        services,
        user: userForSession(services.db, sessionToken),
        req: { remote: null, origin: null, selfOrigin: null, secure: false, sessionToken },
        setCookie: () => {
          throw new Error('a server-rendered page cannot set cookies');
        },
      };
    },
  };
  const global = globalThis as WithPagesBridge;
  global[PAGES_BRIDGE_KEY] = bridge;
  return () => {
    if (global[PAGES_BRIDGE_KEY] === bridge) delete global[PAGES_BRIDGE_KEY];
  };
}
