// GET /api/console/<vm>/log over a real HTTP server and database.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, SESSION_COOKIE } from '../auth/sessions';
import { createUser } from '../auth/users';
import { openDb, type Db } from '../db';
import { serveConsoleLog } from './log-download';
import { ConsoleService } from './service';
import { ChangeBus } from '../events';

let dir: string;
let db: Db;
let server: http.Server;
let base: string;
let cookie: string;
let consoles: ConsoleService;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-logdl-'));
  db = openDb(dir);
  createUser(db, 'watcher', 'watcher-password', 'viewer');
  cookie = `${SESSION_COOKIE}=${createSession(db, 'watcher', null).token}`;
  // appends wait a minute before they are written, so a download finds them pending
  consoles = new ConsoleService(dir, { exists: (vm) => ['demo', 'fresh', 'rotated', 'pending'].includes(vm), events: new ChangeBus(), hub: { flushMs: 60_000 } });
  const log = consoles.paths('demo').consoleLog;
  fs.mkdirSync(path.dirname(log), { recursive: true });
  fs.writeFileSync(log, Buffer.from('Booting Linux\r\n\x1b[1mbold\x1b[0m\r\n'));
  const rotated = consoles.paths('rotated').consoleLog;
  fs.mkdirSync(path.dirname(rotated), { recursive: true });
  fs.writeFileSync(`${rotated}.1`, 'older segment\r\n');
  fs.writeFileSync(rotated, 'newer segment\r\n');
  server = http.createServer((req, res) => serveConsoleLog(consoles, db, req, res) || res.writeHead(418).end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await consoles.close();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const get = (p: string, init: RequestInit = {}) => fetch(base + p, { ...init, headers: { Cookie: cookie, ...(init.headers ?? {}) } });

describe('console log download', () => {
  it('sends the whole log, byte for byte, as an attachment', async () => {
    const res = await get('/api/console/demo/log');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="demo-console.log"');
    expect(Buffer.from(await res.arrayBuffer()).equals(fs.readFileSync(path.join(dir, 'vms', 'demo', 'console.log')))).toBe(true);
  });

  it('sends the previous segment, then the current one, after a rotation', async () => {
    const res = await get('/api/console/rotated/log');
    expect(res.headers.get('content-length')).toBe('30');
    expect(await res.text()).toBe('older segment\r\nnewer segment\r\n');
  });

  it('includes what the hub has not written to disk yet', async () => {
    const log = consoles.paths('pending').consoleLog;
    fs.mkdirSync(path.dirname(log), { recursive: true });
    fs.writeFileSync(log, 'on disk\r\n');
    const history = consoles.hub('pending')!.history;
    history.append(Buffer.from('written at once\r\n')); // the first after a quiet spell
    history.append(Buffer.from('still pending\r\n'));
    expect(fs.readFileSync(log, 'latin1')).toBe('on disk\r\nwritten at once\r\n');
    expect(await (await get('/api/console/pending/log')).text()).toBe('on disk\r\nwritten at once\r\nstill pending\r\n');
  });

  it.each([
    ['no session', '/api/console/demo/log', { headers: { Cookie: '' } }, 401, 'log in first'],
    ['an unknown VM', '/api/console/nope/log', {}, 404, 'there is no VM named "nope"'],
    ['a VM that never ran', '/api/console/fresh/log', {}, 404, 'no console output yet'],
    ['another path', '/api/console/demo/other', {}, 404, '/api/console/<vm>/log'],
    ['a POST', '/api/console/demo/log', { method: 'POST' }, 405, 'use GET'],
  ] as const)('answers %s clearly', async (_name, p, init, status, text) => {
    const res = await get(p, init as RequestInit);
    expect(res.status).toBe(status);
    expect(await res.text()).toContain(text);
  });

  it('leaves other paths to the caller', async () => {
    expect((await get('/api/other')).status).toBe(418);
  });
});
