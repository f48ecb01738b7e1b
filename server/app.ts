import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import next from 'next';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { Config } from './config';
import { openDb } from './db';
import { ensureAdmin } from './auth/users';
import { requestInfo } from './auth/request';
import { userForSession } from './auth/sessions';
import { openHost } from './host';
import { log } from './log';
import { appRouter } from './trpc/root';
import { contextFactory } from './trpc/trpc';
import { setSecurityHeaders } from './http/security-headers';
import { isPublicPath } from './http/page-gate';
import { loadTls } from './http/tls';
import { createUpgradeHandler, type WsRoute } from './ws/upgrade';
import type { Services } from './services';

export const projectDir = path.resolve(import.meta.dirname, '..');

export interface RunningApp {
  server: http.Server | https.Server;
  services: Services;
  url: string;
  close(): Promise<void>;
}

/** Builds every service, then serves Next pages, tRPC and WebSocket upgrades on one port. */
export async function startApp(config: Config, opts: { dev?: boolean; wsRoutes?: (s: Services) => WsRoute[] } = {}): Promise<RunningApp> {
  const dev = opts.dev ?? process.env.NODE_ENV !== 'production';
  const db = openDb(config.dataDir);
  const admin = ensureAdmin(db, config.adminPassword);
  if (admin?.generatedPassword) {
    // printed once, on the first start only: the hash is all that is kept
    process.stdout.write(`\n  jetvm: created user "admin" with password: ${admin.generatedPassword}\n  (shown once; change it on the account page)\n\n`);
  }
  const host = openHost(config);
  const services: Services = { config, db, host };

  const nextApp = next({ dev, dir: projectDir, hostname: config.host, port: config.port });
  await nextApp.prepare();
  const nextHandler = nextApp.getRequestHandler();
  const trpcHandler = createHTTPHandler({ router: appRouter, createContext: contextFactory(services), basePath: '/api/trpc/' });

  const tls = loadTls(config);
  const handler: http.RequestListener = (req, res) => {
    const secure = Boolean(tls);
    setSecurityHeaders(res, { dev, secure });
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/api/trpc/')) return trpcHandler(req, res);
    const publicPath = isPublicPath(url.pathname) || (dev && url.pathname.startsWith('/_next/'));
    if (!publicPath && !userForSession(db, requestInfo(req).sessionToken)) {
      if (req.method === 'GET' && !url.pathname.startsWith('/api/')) {
        res.writeHead(303, { Location: `/login?next=${encodeURIComponent(url.pathname + url.search)}` });
      } else {
        res.writeHead(401, { 'Content-Type': 'text/plain' });
      }
      return res.end(req.method === 'GET' ? '' : 'log in first');
    }
    return nextHandler(req, res);
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);

  const nextUpgrade = dev ? nextApp.getUpgradeHandler() : null;
  server.on(
    'upgrade',
    createUpgradeHandler(db, opts.wsRoutes?.(services) ?? [], (req, socket: Duplex, head) => {
      if (nextUpgrade && req.url?.startsWith('/_next/')) {
        void nextUpgrade(req, socket, head);
        return true;
      }
      return false;
    }),
  );

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
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await nextApp.close?.();
      db.close();
    },
  };
}

