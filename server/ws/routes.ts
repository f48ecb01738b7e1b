import { consoleRoute } from '../console/route';
import { shellRoute } from '../shell/route';
import type { Services } from '../services';
import type { WsRoute } from './upgrade';

/**
 * Every WebSocket route the server answers (console, shell, …): each area adds its own entry.
 * server/app.ts serves exactly this list and tests/security enumerates it, so a route added here
 * is covered by the Origin/session/role tests without anyone writing a new test.
 */
export function buildWsRoutes(services: Services): WsRoute[] {
  return [consoleRoute(services.console, services.db), shellRoute()];
}

export const wsRoutes = buildWsRoutes;
