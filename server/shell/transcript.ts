// Every host shell's output is kept, like a VM's console log: <data dir>/shell-transcripts/<id>.log,
// linked from the shell.session audit row and downloadable by admins.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { requestInfo } from '../auth/request';
import { userForSession } from '../auth/sessions';
import type { Db } from '../db';

const ID = /^[0-9a-f]{32}$/;
const DOWNLOAD_PATH = /^\/api\/shell\/transcripts\/([^/]+)$/;

export const transcriptDir = (dataDir: string) => path.join(dataDir, 'shell-transcripts');

/** A new transcript file (mode 0600: a shell's output can hold anything) and its id. */
export function createTranscript(dataDir: string): { id: string; stream: fs.WriteStream } {
  const id = crypto.randomBytes(16).toString('hex');
  fs.mkdirSync(transcriptDir(dataDir), { recursive: true, mode: 0o700 });
  // opened here, not by the stream: the file exists (for the audit row's link) before anything is written
  const fd = fs.openSync(path.join(transcriptDir(dataDir), `${id}.log`), 'wx', 0o600);
  return { id, stream: fs.createWriteStream('', { fd }) };
}

export const transcriptUrl = (id: string) => `/api/shell/transcripts/${id}`;

function answer(res: ServerResponse, status: number, text: string): true {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${text}\n`);
  return true;
}

/** GET /api/shell/transcripts/<id>: one shell session's output, admins only. False for other paths. */
export function serveShellTranscript(dataDir: string, db: Db, req: IncomingMessage, res: ServerResponse): boolean {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (!url.pathname.startsWith('/api/shell/')) return false;
  const user = userForSession(db, requestInfo(req).sessionToken);
  if (!user) return answer(res, 401, 'log in first');
  if (user.role !== 'admin') return answer(res, 403, 'shell transcripts need the admin role');
  const id = DOWNLOAD_PATH.exec(url.pathname)?.[1];
  if (!id || !ID.test(id)) return answer(res, 404, 'not found: a transcript is at /api/shell/transcripts/<id> (linked from the audit log)');
  if (req.method !== 'GET' && req.method !== 'HEAD') return answer(res, 405, 'method not allowed: use GET');
  const file = path.join(transcriptDir(dataDir), `${id}.log`);
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    return answer(res, 404, 'there is no such transcript (it may have been pruned)');
  }
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Disposition': `attachment; filename="shell-${id}.log"`,
    'Content-Length': String(size),
    'Cache-Control': 'no-store',
  });
  if (req.method === 'HEAD' || size === 0) return res.end(), true;
  fs.createReadStream(file, { start: 0, end: size - 1 }).on('error', () => res.destroy()).pipe(res);
  return true;
}
