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
import { isTranscriptId } from '../../common/shell-transcripts';

const DOWNLOAD_PATH = /^\/api\/shell\/transcripts\/([^/]+)$/;

export const transcriptDir = (dataDir: string) => path.join(dataDir, 'shell-transcripts');
const transcriptFile = (dataDir: string, id: string) => path.join(transcriptDir(dataDir), `${id}.log`);
/** what a transcript deleted by retention leaves while audit rows still link to it */
export const tombstone = (dataDir: string, id: string) => path.join(transcriptDir(dataDir), `${id}.deleted`);

export type TranscriptState = 'kept' | 'deleted' | 'missing';

/** kept (downloadable), deleted by retention (server/shell/transcript-retention.ts), or missing (never there) */
export function transcriptState(dataDir: string, id: string): TranscriptState {
  if (!isTranscriptId(id)) return 'missing';
  if (fs.existsSync(transcriptFile(dataDir, id))) return 'kept';
  return fs.existsSync(tombstone(dataDir, id)) ? 'deleted' : 'missing';
}

/** A new transcript file (mode 0600: a shell's output can hold anything) and its id. */
export function createTranscript(dataDir: string): { id: string; stream: fs.WriteStream } {
  const id = crypto.randomBytes(16).toString('hex');
  fs.mkdirSync(transcriptDir(dataDir), { recursive: true, mode: 0o700 });
  // opened here, not by the stream: the file exists (for the audit row's link) before anything is written
  const fd = fs.openSync(transcriptFile(dataDir, id), 'wx', 0o600);
  return { id, stream: fs.createWriteStream('', { fd }) };
}

/** GET /api/shell/transcripts/<id>: one shell session's output, admins only. False for other paths. */
export function serveShellTranscript(dataDir: string, db: Db, req: IncomingMessage, res: ServerResponse): boolean {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (!url.pathname.startsWith('/api/shell/')) return false;
  const user = userForSession(db, requestInfo(req).sessionToken);
  if (!user) return answerText(res, 401, 'log in first');
  if (user.role !== 'admin') return answerText(res, 403, 'shell transcripts need the admin role');
  const id = DOWNLOAD_PATH.exec(url.pathname)?.[1];
  if (!id || !isTranscriptId(id)) return answerText(res, 404, 'not found: a transcript is at /api/shell/transcripts/<id> (linked from the audit log)');
  if (req.method !== 'GET' && req.method !== 'HEAD') return answerText(res, 405, 'method not allowed: use GET');
  if (transcriptState(dataDir, id) === 'deleted') {
    return answerText(res, 410, 'this transcript was deleted by retention: the transcripts together are kept under JETVM_SHELL_TRANSCRIPT_MAX_MB; its audit rows remain');
  }
  return sendDownload(req, res, transcriptFile(dataDir, id), `shell-${id}.log`, 'there is no such transcript (its audit rows, if any, are gone too)');
}
