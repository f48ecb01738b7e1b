import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSession, SESSION_COOKIE } from '../../auth/sessions';
import { createUser, type Role } from '../../auth/users';
import { openDb, type Db } from '../../db';
import { createUpgradeHandler } from '../../ws/upgrade';
import type { HubOptions } from '../hub';
import { consoleRoute } from '../route';
import { ConsoleService } from '../service';

/**
 * The console's WebSocket route on a plain HTTP server, with the real upgrade checks (Origin,
 * session, role), a real database and one admin and one viewer: everything but Next, for the hub's
 * tests and the benchmark.
 */
export interface ConsoleServer {
  url: string;
  wsUrl(vm: string): string;
  cookie(role: Role): string;
  db: Db;
  service: ConsoleService;
  close(): Promise<void>;
}

export async function startConsoleServer(dataDir: string, opts: { hub?: HubOptions; vms?: string[] } = {}): Promise<ConsoleServer> {
  const db = openDb(dataDir);
  const cookies: Record<Role, string> = { admin: '', viewer: '' };
  for (const role of ['admin', 'viewer'] as const) {
    if (!db.prepare('SELECT 1 FROM users WHERE name = ?').get(role)) createUser(db, role, `${role}-password`, role);
    cookies[role] = `${SESSION_COOKIE}=${createSession(db, role, null).token}`;
  }
  const known = new Set(opts.vms ?? ['demo']);
  const service = new ConsoleService(dataDir, { exists: (vm) => known.has(vm), hub: opts.hub });
  service.start();
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', createUpgradeHandler(db, [consoleRoute(service, db)]));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: (vm) => `ws://127.0.0.1:${port}/ws/console/${encodeURIComponent(vm)}`,
    cookie: (role) => cookies[role],
    db,
    service,
    async close() {
      await service.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      db.close();
    },
  };
}
