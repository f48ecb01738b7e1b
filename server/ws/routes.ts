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
  const { config, db } = services;
  return [
    consoleRoute(services.console, db),
    ...(config.hostShell.enabled ? [shellRoute({ db, dataDir: config.dataDir, maxShells: config.hostShell.max, retention: services.shellTranscripts, shells: services.shells })] : []),
  ];
}

export const wsRoutes = buildWsRoutes;
