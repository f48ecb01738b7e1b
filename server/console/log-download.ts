import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestInfo } from '../auth/request';
import { userForSession } from '../auth/sessions';
import type { Db } from '../db';
import type { ConsoleService } from './service';

const LOG_PATH = /^\/api\/console\/([^/]+)\/log$/;

function answer(res: ServerResponse, status: number, text: string): true {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${text}\n`);
  return true;
}

/**
 * GET /api/console/<vm>/log: the VM's whole console log as a download, for logged-in users.
 * Returns false for any other path so the caller serves it.
 */
export function serveConsoleLog(consoles: ConsoleService, db: Db, req: IncomingMessage, res: ServerResponse): boolean {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const match = LOG_PATH.exec(url.pathname);
  if (!url.pathname.startsWith('/api/console/')) return false;
  // the page gate already refused anonymous requests; checked again because this serves guest output
  if (!userForSession(db, requestInfo(req).sessionToken)) return answer(res, 401, 'log in first');
  if (!match) return answer(res, 404, 'not found: the console log is at /api/console/<vm>/log');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return answer(res, 405, 'method not allowed: use GET');
  }
  let vm: string;
  try {
    vm = decodeURIComponent(match[1]!);
  } catch {
    return answer(res, 400, 'malformed VM name');
  }
  if (!consoles.exists(vm)) return answer(res, 404, `there is no VM named "${vm.slice(0, 40)}"`);
  const file = consoles.paths(vm).consoleLog;
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    return answer(res, 404, `VM "${vm}" has no console output yet (it has never run)`);
  }
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Disposition': `attachment; filename="${vm}-console.log"`,
    // the size when the request came in: the log keeps growing while it is sent
    'Content-Length': String(size),
    'Cache-Control': 'no-store',
  });
  if (req.method === 'HEAD' || size === 0) return res.end(), true;
  const stream = fs.createReadStream(file, { start: 0, end: size - 1 });
  stream.on('error', () => res.destroy());
  stream.pipe(res);
  return true;
}
