import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import next from 'next';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { Config } from './config';
import { projectDir } from './project-dir';
import { openDb } from './db';
import { closeDb } from './db/per-db';
import { startAuditRetention } from './db/audit';
import { ensureAdmin } from './auth/users';
import { openHost } from './host';
import { log } from './log';
import { appRouter } from './trpc/root';
import { contextFactory } from './trpc/trpc';
import { setNoStore, setSecurityHeaders } from './http/security-headers';
import { refuseWithoutSession } from './http/page-gate';
import { loadTls } from './http/tls';
import { startSessionSweep } from './auth/session-bound';
import { createUpgradeHandler, refuseUpgrade, type WsRoute } from './ws/upgrade';
import { isAllowedHost, MISDIRECTED } from './http/allowed-hosts';
import { wsRoutes as defaultWsRoutes } from './ws/routes';
import type { Services } from './services';
import { TRPC_MAX_BATCH } from '../lib/limits';
import { ConsoleService } from './console/service';
import { serveConsoleLog } from './console/log-download';
import { closeAllShells } from './shell/shell-session';
import { serveShellTranscript } from './shell/transcript';
import { VmRepo } from './vm/repo';
import { createVmService } from './vm/service';
import { createPassthroughServices } from './passthrough/index';
import { devicePolicyOnStop } from './passthrough/on-vm-stop';
import { accountLimiterFor, LoginLimiter } from './auth/rate-limit';

export { projectDir };

export interface RunningApp {
  server: http.Server | https.Server;
  services: Services;
  url: string;
  /** the WebSocket routes being served (tests/security enumerates them) */
  wsRoutes: WsRoute[];
  close(): Promise<void>;
}

/** Builds every service, then serves Next pages, tRPC and WebSocket upgrades on one port. */
export async function startApp(
  config: Config,
  /** pages: false serves no Next pages (404 past the gate), for API-level tests that run before `next build` */
  opts: { dev?: boolean; pages?: boolean; wsRoutes?: (s: Services) => WsRoute[] } = {},
): Promise<RunningApp> {
  const dev = opts.dev ?? process.env.NODE_ENV !== 'production';
  const db = openDb(config.dataDir);
  const admin = ensureAdmin(db, config.adminPassword);
  if (admin?.generatedPassword) {
    // printed once, on the first start only: the hash is all that is kept
    process.stdout.write(`\n  jetvm: created user "admin" with password: ${admin.generatedPassword}\n  (shown once; change it on the account page)\n\n`);
  }
  const host = openHost(config);
  const vmRepo = new VmRepo(db, config.imageDirs);
  const services: Services = {
    config,
    db,
    host,
    console: new ConsoleService(config.dataDir, { exists: (vm) => vmRepo.get(vm) !== null }),
    passthrough: createPassthroughServices({ config, db, host }),
    loginLimiter: new LoginLimiter(5, config.loginLockSeconds * 1000),
    accountLimiter: accountLimiterFor(config.loginLockSeconds * 1000),
  };
  services.console.start();
  const stopSweep = startSessionSweep(db);
  const stopRetention = startAuditRetention(db, config.auditRetention);
  const vmService = await createVmService({ config, db, host, log });
  services.vms = vmService.supervisor;
  vmService.supervisor.setDevicePolicyHook(devicePolicyOnStop(services.passthrough.passthrough, host));
  vmService.supervisor.setLaunchHook((vm) => services.console.launching(vm));
  // guests still running from before the restart are adopted; ones that died meanwhile are reported apart
  const adopted = vmService.adopted.filter((v) => v.pid !== null).map((v) => v.name);
  const foundDead = vmService.adopted.filter((v) => v.pid === null).map((v) => ({ name: v.name, state: v.state }));
  log.info({ demo: vmService.demo.message, demoEfi: vmService.demoEfi.message, adopted, foundDead }, `VMs ready: ${adopted.length} adopted, ${foundDead.length} found dead`);

  const nextApp = opts.pages === false ? null : next({ dev, dir: projectDir, hostname: config.host, port: config.port });
  await nextApp?.prepare();
  const nextHandler: http.RequestListener = nextApp ? nextApp.getRequestHandler() : (_req, res) => res.writeHead(404).end();
  const trpcHandler = createHTTPHandler({
    router: appRouter,
    createContext: contextFactory(services),
    basePath: '/api/trpc/',
    maxBodySize: 1024 * 1024,
    maxBatchSize: TRPC_MAX_BATCH,
    onError: ({ error, path }) => {
      // a bug (or QEMU failing to start): logged with the original error's stack; the client only gets a plain message
      if (error.code === 'INTERNAL_SERVER_ERROR') log.error({ err: error.cause instanceof Error ? error.cause : error, path }, 'tRPC procedure failed');
    },
  });

  const tls = await loadTls(config);
  if (tls) process.stdout.write(`jetvm: TLS certificate ${tls.source}\n  SHA-256 fingerprint: ${tls.fingerprint256}\n`);
  const handler: http.RequestListener = (req, res) => {
    setSecurityHeaders(req, res, { dev, secure: Boolean(tls) });
    if (!isAllowedHost(req, config.allowedHosts)) {
      res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      return res.end(MISDIRECTED);
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    setNoStore(req, res);
    if (url.pathname.startsWith('/api/trpc/')) return trpcHandler(req, res);
    if (refuseWithoutSession(req, res, { db, dev })) return;
    if (serveConsoleLog(services.console, db, req, res)) return;
    if (serveShellTranscript(config.dataDir, db, req, res)) return;
    return nextHandler(req, res);
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);

  const nextUpgrade = dev && nextApp ? nextApp.getUpgradeHandler() : null;
  const wsRoutes = (opts.wsRoutes ?? defaultWsRoutes)(services);
  const upgrade = createUpgradeHandler(db, wsRoutes, (req, socket: Duplex, head) => {
    if (nextUpgrade && req.url?.startsWith('/_next/')) {
      void nextUpgrade(req, socket, head);
      return true;
    }
    return false;
  });
  server.on('upgrade', (req, socket: Duplex, head: Buffer) => {
    if (!isAllowedHost(req, config.allowedHosts)) return refuseUpgrade(socket, 421, MISDIRECTED.trim());
    upgrade(req, socket, head);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `${tls ? 'https' : 'http'}://${shownHost}:${port}`;
  log.info({ url, mode: host.mode, dataDir: config.dataDir }, 'jetvm listening');

  return {
    server,
    services,
    url,
    wsRoutes,
    async close() {
      stopSweep();
      stopRetention();
      await services.console.close();
      await closeAllShells();
      // guests keep running: the next start re-adopts them
      vmService.supervisor.detachAll();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // open pages hold keep-alive and live-update (SSE) connections that would keep close() waiting
      server.closeAllConnections();
      await closed;
      await nextApp?.close?.();
      closeDb(db);
    },
  };
}

