import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { WebSocket } from 'ws';
import { startApp, type RunningApp } from '@/server/app';
import { loadConfig } from '@/server/config';
import type { WsRoute } from '@/server/ws/upgrade';
import type { Services } from '@/server/services';

export const ADMIN_PASSWORD = 'security-test-admin';

export interface Reply {
  status: number;
  /** tRPC error code (UNAUTHORIZED, FORBIDDEN, …) or null on success */
  code: string | null;
  body: any;
  headers: Headers;
}

export interface Caller {
  cookie?: string;
  /** the Origin header to send; defaults to the server's own origin */
  origin?: string | null;
  /** the Host header to send (fetch cannot); defaults to the address connected to */
  host?: string;
  /** raw() only: the loopback address to connect from (127.0.0.2, …), to act as another client */
  from?: string;
}

export interface TestServerOptions {
  /** environment for loadConfig on top of the test defaults; a JETVM_DATA_DIR given here is the caller's to remove */
  env?: Record<string, string>;
  wsRoutes?: (s: Services) => WsRoute[];
  /** log in as admin once started: `server.admin` is then the cookie */
  loginAdmin?: boolean;
}

/**
 * The real server (startApp: SQLite in a temp dir, simulated host, tRPC, WebSocket upgrades, page gate)
 * on a free port. Next pages are off (pages: false) so this runs before `next build`; e2e covers pages.
 */
export async function startTestServer(env: Record<string, string> = {}, opts: Omit<TestServerOptions, 'env'> = {}): Promise<TestServer> {
  return new TestServer({ ...opts, env }).start();
}

/**
 * A test file's server: started (fresh temp data dir) before its tests, stopped after them. Usable
 * from the file's own beforeAll on, which runs after this one.
 */
export function useTestServer(opts: TestServerOptions = {}): TestServer {
  const server = new TestServer(opts);
  beforeAll(() => server.start());
  afterAll(() => server.stop());
  return server;
}

interface Running {
  app: RunningApp;
  url: string;
  /** removed on stop; null when the caller passed JETVM_DATA_DIR and owns it */
  tempDir: string | null;
  admin: string | null;
}

export class TestServer {
  private running: Running | null = null;

  constructor(private readonly opts: TestServerOptions = {}) {}

  async start(): Promise<this> {
    const env = this.opts.env ?? {};
    const ownDir = !env.JETVM_DATA_DIR;
    const dataDir = env.JETVM_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-sec-'));
    const config = {
      ...loadConfig({ NODE_ENV: 'test', JETVM_HOST: 'sim', JETVM_DATA_DIR: dataDir, JETVM_ADMIN_PASSWORD: ADMIN_PASSWORD, HOST: '127.0.0.1', JETVM_GUEST_CACHE: process.env.JETVM_GUEST_CACHE, ...env }),
      port: 0,
    };
    const app = await startApp(config, { dev: false, pages: false, wsRoutes: this.opts.wsRoutes });
    this.running = { app, url: app.url.replace('localhost', '127.0.0.1'), tempDir: ownDir ? dataDir : null, admin: null };
    if (this.opts.loginAdmin) this.running.admin = await this.login();
    return this;
  }

  private get started(): Running {
    if (!this.running) throw new Error('the test server is not running: use it inside tests or a beforeAll after useTestServer()');
    return this.running;
  }

  get app(): RunningApp {
    return this.started.app;
  }

  get url(): string {
    return this.started.url;
  }

  /** the admin's cookie (loginAdmin: true); a test that ends the admin's sessions sets the one still valid */
  get admin(): string {
    const cookie = this.started.admin;
    if (cookie === null) throw new Error('no admin cookie: start the server with loginAdmin: true');
    return cookie;
  }

  set admin(cookie: string) {
    this.started.admin = cookie;
  }

  get db() {
    return this.app.services.db;
  }

  async stop(): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.running = null;
    await running.app.close();
    if (running.tempDir) fs.rmSync(running.tempDir, { recursive: true, force: true });
  }

  headers(c: Caller, extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = { ...extra };
    if (c.cookie) h.cookie = c.cookie;
    const origin = c.origin === undefined ? this.url : c.origin;
    if (origin !== null) h.origin = origin;
    return h;
  }

  /** One request over node:http, which (unlike fetch) sends any Host header: DNS rebinding replays. */
  raw(method: string, pathname: string, c: Caller = {}, body?: string): Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders }> {
    const headers = this.headers(c, body ? { 'content-type': 'application/json' } : {});
    if (c.host) headers.host = c.host;
    return new Promise((resolve, reject) => {
      const req = http.request(`${this.url}${pathname}`, { method, headers, localAddress: c.from }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  async query(procedure: string, input: unknown, c: Caller = {}): Promise<Reply> {
    const qs = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
    return reply(await fetch(`${this.url}/api/trpc/${procedure}${qs}`, { headers: this.headers(c) }));
  }

  async mutate(procedure: string, input: unknown, c: Caller = {}): Promise<Reply> {
    const res = await fetch(`${this.url}/api/trpc/${procedure}`, {
      method: 'POST',
      headers: this.headers(c, { 'content-type': 'application/json' }),
      body: JSON.stringify(input === undefined ? {} : { json: input }),
    });
    return reply(res);
  }

  /**
   * Opens a subscription the way httpSubscriptionLink does (SSE) and returns the first event after
   * "connected", or the HTTP error. tRPC answers 200 and then sends a refusal as a serialized-error
   * event; a subscription that is accepted sends nothing until something changes, so callers only
   * use this where they expect a refusal (or trigger a change). With untilEnd it reads past data
   * events and reports STREAM_ENDED when the server ends the stream.
   */
  async subscribe(procedure: string, c: Caller = {}, opts: { untilEnd?: boolean } = {}): Promise<Reply> {
    const ac = new AbortController();
    const res = await fetch(`${this.url}/api/trpc/${procedure}`, { headers: this.headers(c, { accept: 'text/event-stream' }), signal: ac.signal });
    if (!res.headers.get('content-type')?.includes('text/event-stream')) return reply(res);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return { status: res.status, code: 'STREAM_ENDED', body: null, headers: res.headers };
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (!data || event === 'connected' || event === 'ping') continue;
          const body = JSON.parse(data);
          const code = event === 'serialized-error' ? (body?.json?.data?.code ?? 'ERROR') : null;
          if (opts.untilEnd && code === null) continue; // untilEnd: skip data, report how the stream ends
          return { status: res.status, code, body, headers: res.headers };
        }
      }
    } finally {
      ac.abort();
    }
  }

  /** Logs in over HTTP and returns the Cookie header value to send. */
  async login(name = 'admin', password = ADMIN_PASSWORD): Promise<string> {
    const r = await this.mutate('auth.login', { name, password });
    if (r.status !== 200) throw new Error(`login as ${name} failed: ${r.status} ${JSON.stringify(r.body)}`);
    const set = r.headers.get('set-cookie') ?? '';
    return set.split(';')[0];
  }

  /** Creates a user through users.create as admin and returns their cookie. */
  async userCookie(name: string, role: 'viewer' | 'admin', adminCookie: string): Promise<string> {
    const password = `${name}-password`;
    const r = await this.mutate('users.create', { name, role, password }, { cookie: adminCookie });
    if (r.status !== 200) throw new Error(`users.create ${name} failed: ${r.status} ${JSON.stringify(r.body)}`);
    return this.login(name, password);
  }

  /** Attempts a WebSocket upgrade; the HTTP status (101 when it opened), the socket and its messages from the first byte on. */
  async upgrade(pathname: string, c: Caller = {}): Promise<{ status: number; ws: WebSocket | null; next: () => Promise<string>; closed: Promise<{ code: number; reason: string }> }> {
    const headers = this.headers(c);
    if (c.host) headers.host = c.host;
    const ws = new WebSocket(`${this.url.replace(/^http/, 'ws')}${pathname}`, { headers });
    const inbox: string[] = [];
    const waiting: Array<(m: string) => void> = [];
    ws.on('message', (d) => {
      const w = waiting.shift();
      if (w) w(String(d));
      else inbox.push(String(d));
    });
    const next = () => (inbox.length ? Promise.resolve(inbox.shift()!) : new Promise<string>((r) => waiting.push(r)));
    const closed = new Promise<{ code: number; reason: string }>((r) => ws.once('close', (code, reason) => r({ code, reason: String(reason) })));
    return new Promise((resolve) => {
      ws.once('open', () => resolve({ status: 101, ws, next, closed }));
      ws.once('unexpected-response', (_req, res) => {
        resolve({ status: res.statusCode ?? 0, ws: null, next, closed });
        res.resume();
      });
      ws.once('error', () => resolve({ status: 0, ws: null, next, closed }));
    });
  }

  rowCounts(): Record<string, number> {
    const tables = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
    return Object.fromEntries(tables.map((t) => [t, this.db.prepare(`SELECT COUNT(*) FROM "${t}"`).pluck().get() as number]));
  }
}

async function reply(res: Response): Promise<Reply> {
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON (gate answers are plain text) */
  }
  const err = body?.error?.json ?? body?.error;
  return { status: res.status, code: err?.data?.code ?? null, body, headers: res.headers };
}
