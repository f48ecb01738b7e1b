// Every host shell's output is kept, like a VM's console log: <data dir>/shell-transcripts/<id>.log,
// linked from the shell.session audit row and downloadable by admins.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { requestInfo } from '../auth/request';
import { userForSession } from '../auth/sessions';
import type { Db } from '../db';
import { answerText, sendDownload } from '../http/download';

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

/** GET /api/shell/transcripts/<id>: one shell session's output, admins only. False for other paths. */
export function serveShellTranscript(dataDir: string, db: Db, req: IncomingMessage, res: ServerResponse): boolean {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (!url.pathname.startsWith('/api/shell/')) return false;
  const user = userForSession(db, requestInfo(req).sessionToken);
  if (!user) return answerText(res, 401, 'log in first');
  if (user.role !== 'admin') return answerText(res, 403, 'shell transcripts need the admin role');
  const id = DOWNLOAD_PATH.exec(url.pathname)?.[1];
  if (!id || !ID.test(id)) return answerText(res, 404, 'not found: a transcript is at /api/shell/transcripts/<id> (linked from the audit log)');
  if (req.method !== 'GET' && req.method !== 'HEAD') return answerText(res, 405, 'method not allowed: use GET');
  return sendDownload(req, res, path.join(transcriptDir(dataDir), `${id}.log`), `shell-${id}.log`, 'there is no such transcript (it may have been pruned)');
}
