import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSession, SESSION_COOKIE } from '../../auth/sessions';
import { createUser, type Role } from '../../auth/users';
import { openDb, type Db } from '../../db';
import { createUpgradeHandler } from '../../ws/upgrade';
import type { HubOptions } from '../hub';
import { consoleRoute } from '../route';
import { ConsoleService } from '../service';
import { shellRoute } from '../../shell/route';
import { OpenShells } from '../../shell/open-shells';
import { SessionConnections } from '../../auth/session-bound';
import { ChangeBus } from '../../events';

/**
 * The console's WebSocket route (and optionally the shell's) on a plain HTTP server, with the real upgrade
 * checks (Origin, session, role), a real database and one admin and one viewer, for the hub's tests and
 * the benchmark. Deliberately narrower than composeServices (no Next, tRPC, host or VMs): the console
 * tests name the VMs that have a console, set the hub's limits and may share a harness's hubs, none of
 * which the full graph takes; and it would make the demo VMs (a disk overlay in the data directory:
 * the disk-full test's is a small tmpfs), probe QEMU, adopt and autostart.
 */
export interface ConsoleServer {
  url: string;
  wsUrl(vm: string): string;
  shellUrl: string;
  /** the shell's URL with a fresh ticket for the admin (as shell.unlock gives after the password) */
  shellTicketUrl(): string;
  cookie(role: Role): string;
  db: Db;
  service: ConsoleService;
  shells: OpenShells;
  close(): Promise<void>;
}

export async function startConsoleServer(dataDir: string, opts: { hub?: HubOptions; vms?: string[]; shell?: boolean; /** false: do not adopt running VMs at start (a second server on the same data dir) */ adopt?: boolean; /** serve this service's hubs (its owner starts and closes it) instead of a new one */ service?: ConsoleService } = {}): Promise<ConsoleServer> {
  const db = openDb(dataDir);
  const cookies: Record<Role, string> = { admin: '', viewer: '' };
  for (const role of ['admin', 'viewer'] as const) {
    if (!db.prepare('SELECT 1 FROM users WHERE name = ?').get(role)) createUser(db, role, `${role}-password`, role);
    cookies[role] = `${SESSION_COOKIE}=${createSession(db, role, null).token}`;
  }
  const known = new Set(opts.vms ?? ['demo']);
  const service = opts.service ?? new ConsoleService(dataDir, { exists: (vm) => known.has(vm), hub: opts.hub, events: new ChangeBus() });
  if (!opts.service && opts.adopt !== false) service.start();
  const shells = new OpenShells();
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  const routes = [consoleRoute(service, db), ...(opts.shell ? [shellRoute({ db, dataDir, maxShells: 2, retention: { maxBytes: 64 * 1024 * 1024, isOpen: shells.isTranscriptOpen }, shells })] : [])];
  server.on('upgrade', createUpgradeHandler({ db, connections: new SessionConnections(db) }, routes));
  // upgraded sockets are no longer the HTTP server's: tracked here so close() ends them
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: (vm) => `ws://127.0.0.1:${port}/ws/console/${encodeURIComponent(vm)}`,
    shellUrl: `ws://127.0.0.1:${port}/ws/shell`,
    shellTicketUrl: () => `ws://127.0.0.1:${port}/ws/shell?ticket=${shells.issueTicket('admin', cookies.admin.split('=')[1]!)}`,
    cookie: (role) => cookies[role],
    db,
    service,
    shells,
    async close() {
      if (!opts.service) await service.close();
      for (const s of sockets) s.destroy();
      await new Promise((r) => setTimeout(r, 50)); // let the close handlers (audit) run before the database closes
      await new Promise<void>((resolve) => server.close(() => resolve()));
      db.close();
    },
  };
}
