import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import next from 'next';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { Config } from './config';
import { projectDir } from './project-dir';
import { composeServices } from './compose';
import { log } from './log';
import { appRouter } from './trpc/root';
import { contextFactory } from './trpc/trpc';
import { setNoStore, setSecurityHeaders } from './http/security-headers';
import { refuseWithoutSession } from './http/page-gate';
import { exposeToPages } from './http/pages-bridge';
import { loadTls } from './http/tls';
import { createUpgradeHandler, refuseUpgrade, type WsRoute } from './ws/upgrade';
import { isAllowedHost, MISDIRECTED } from './http/allowed-hosts';
import { wsRoutes as defaultWsRoutes } from './ws/routes';
import type { Services } from './services';
import { TRPC_MAX_BATCH } from '../lib/limits';
import { serveConsoleLog } from './console/log-download';
import { serveShellTranscript } from './shell/transcript';

export { projectDir };

export interface RunningApp {
  server: http.Server | https.Server;
  services: Services;
  url: string;
  /** the WebSocket routes being served (tests/security enumerates them) */
  wsRoutes: WsRoute[];
  close(): Promise<void>;
}

/** Builds every service (server/compose.ts), then serves Next pages, tRPC and WebSocket upgrades on one port. */
export async function startApp(
  config: Config,
  /** pages: false serves no Next pages (404 past the gate), for API-level tests that run before `next build` */
  opts: { dev?: boolean; pages?: boolean; wsRoutes?: (s: Services) => WsRoute[] } = {},
): Promise<RunningApp> {
  const dev = opts.dev ?? process.env.NODE_ENV !== 'production';
  const composed = await composeServices(config);
  const { services, startup, firstAdmin } = composed;
  const { db } = services;
  if (firstAdmin?.generatedPassword) {
    // printed once, on the first start only: the hash is all that is kept
    process.stdout.write(`\n  jetvm: created user "admin" with password: ${firstAdmin.generatedPassword}\n  (shown once; change it on the account page)\n\n`);
  }
  // guests still running from before the restart are adopted; ones that died meanwhile are reported apart
  const adopted = startup.adopted.filter((v) => v.pid !== null).map((v) => v.name);
  const foundDead = startup.adopted.filter((v) => v.pid === null).map((v) => ({ name: v.name, state: v.state }));
  log.info({ demo: startup.demo.message, demoEfi: startup.demoEfi.message, adopted, foundDead }, `VMs ready: ${adopted.length} adopted, ${foundDead.length} found dead`);

  const nextApp = opts.pages === false ? null : next({ dev, dir: projectDir, hostname: config.host, port: config.port });
  await nextApp?.prepare();
  // server components prefetch through the router with these services (common/pages-bridge.ts)
  const withdrawFromPages = nextApp ? exposeToPages(services) : () => {};
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
  const upgrade = createUpgradeHandler(services, wsRoutes, (req, socket: Duplex, head) => {
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
  log.info({ url, mode: services.host.mode, dataDir: config.dataDir }, 'jetvm listening');

  return {
    server,
    services,
    url,
    wsRoutes,
    async close() {
      // guests keep running: the next start re-adopts them
      await composed.close(async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // open pages hold keep-alive and live-update (SSE) connections that would keep close() waiting
        server.closeAllConnections();
        await closed;
        await nextApp?.close?.();
        withdrawFromPages();
      });
    },
  };
}

