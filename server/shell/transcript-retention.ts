// Transcripts age out with the audit rows that link to them (a transcript no row names is deleted),
// and together they stay under JETVM_SHELL_TRANSCRIPT_MAX_MB, the oldest going first. The transcript
// of a session still open is never deleted. One deleted for size while its audit rows remain leaves
// a tombstone, <id>.deleted, so its link says "deleted by retention"; the tombstone goes with the rows.
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db';
import { auditQueue } from '../db/audit';
import { log } from '../log';
import { isTranscriptId } from '../../common/shell-transcripts';
import { tombstone, transcriptDir } from './transcript';
import { repeatEvery } from '../repeat';

export interface TranscriptRetention {
  /** JETVM_SHELL_TRANSCRIPT_MAX_MB, in bytes: all transcripts together */
  maxBytes: number;
  /** the transcript of an open session: never deleted */
  isOpen: (id: string) => boolean;
}

function linkedIds(db: Db): Set<string> {
  const ids = db
    .prepare("SELECT DISTINCT json_extract(detail, '$.transcript') FROM audit_log WHERE action IN ('shell.session', 'shell.session.end') AND json_valid(detail)")
    .pluck()
    .all() as Array<string | null>;
  return new Set(ids.filter((id): id is string => typeof id === 'string'));
}

interface Entry {
  id: string;
  file: string;
  kind: 'log' | 'deleted';
  size: number;
  mtimeMs: number;
}

function entries(dataDir: string): Entry[] {
  const dir = transcriptDir(dataDir);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: Entry[] = [];
  for (const name of names) {
    const [id, ext] = name.split('.');
    if (!id || !isTranscriptId(id) || (ext !== 'log' && ext !== 'deleted')) continue;
    const file = path.join(dir, name);
    try {
      const st = fs.statSync(file);
      out.push({ id, file, kind: ext, size: st.size, mtimeMs: st.mtimeMs });
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

function remove(file: string): void {
  fs.rmSync(file, { force: true });
}

/** Deletes what the limits say; returns how many transcripts went (orphaned, and over the size cap). */
export function pruneTranscripts(db: Db, dataDir: string, r: TranscriptRetention): { orphaned: number; overSize: number } {
  const linked = linkedIds(db);
  const all = entries(dataDir);
  // entries waiting for disk space (audit-queue.ts) may link to transcripts the table does not name yet
  const rowsWaiting = auditQueue(db).size > 0;
  const kept = (e: Entry) => linked.has(e.id) || r.isOpen(e.id) || rowsWaiting;
  let orphaned = 0;
  for (const e of all) {
    if (kept(e)) continue;
    remove(e.file);
    if (e.kind === 'log') orphaned++;
  }
  const logs = all.filter((e) => e.kind === 'log' && kept(e)).sort((a, b) => a.mtimeMs - b.mtimeMs);
  let total = logs.reduce((n, e) => n + e.size, 0);
  let overSize = 0;
  for (const e of logs) {
    if (total <= r.maxBytes) break;
    if (r.isOpen(e.id)) continue;
    remove(e.file);
    try {
      fs.writeFileSync(tombstone(dataDir, e.id), `deleted ${new Date().toISOString()}: the transcripts together were over JETVM_SHELL_TRANSCRIPT_MAX_MB\n`, { mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err; // without it the link says "missing"
    }
    total -= e.size;
    overSize++;
  }
  return { orphaned, overSize };
}

/** pruneTranscripts for a timer or a socket's close: a failure is logged, never thrown into the event loop */
export function pruneTranscriptsLogged(db: Db, dataDir: string, r: TranscriptRetention): void {
  try {
    pruneTranscripts(db, dataDir, r);
  } catch (err) {
    log.warn({ err }, 'shell transcript retention skipped a round');
  }
}

/** Prunes now and then every `everyMs` (as the audit log is) until the returned function is called. */
export function startTranscriptRetention(db: Db, dataDir: string, r: TranscriptRetention, everyMs = 10 * 60_000): () => void {
  return repeatEvery(() => pruneTranscriptsLogged(db, dataDir, r), everyMs, { now: true });
}
