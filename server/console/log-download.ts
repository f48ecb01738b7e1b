import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestInfo } from '../auth/request';
import { userForSession } from '../auth/sessions';
import type { Db } from '../db';
import type { ConsoleService } from './service';
import { answerText, sendDownload } from '../http/download';

const LOG_PATH = /^\/api\/console\/([^/]+)\/log$/;

/**
 * GET /api/console/<vm>/log: the VM's console history as kept on disk (both segments) as a download, for logged-in users.
 * Returns false for any other path so the caller serves it.
 */
export function serveConsoleLog(consoles: ConsoleService, db: Db, req: IncomingMessage, res: ServerResponse): boolean {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const match = LOG_PATH.exec(url.pathname);
  if (!url.pathname.startsWith('/api/console/')) return false;
  // the page gate already refused anonymous requests; checked again because this serves guest output
  if (!userForSession(db, requestInfo(req).sessionToken)) return answerText(res, 401, 'log in first');
  if (!match) return answerText(res, 404, 'not found: the console log is at /api/console/<vm>/log');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return answerText(res, 405, 'method not allowed: use GET');
  }
  let vm: string;
  try {
    vm = decodeURIComponent(match[1]!);
  } catch {
    return answerText(res, 400, 'malformed VM name');
  }
  if (!consoles.exists(vm)) return answerText(res, 404, `there is no VM named "${vm.slice(0, 40)}"`);
  // the rotated segment (if kept), then the current one, with every byte the hub has had
  consoles.flushHistory(vm);
  const log = consoles.paths(vm).consoleLog;
  return sendDownload(req, res, [`${log}.1`, log], `${vm}-console.log`, `VM "${vm}" has no console output yet (it has never run)`);
}
