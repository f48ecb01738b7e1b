// Transcript retention over real files and a real SQLite audit log.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../db';
import { closeDb } from '../db/per-db';
import { pruneAudit } from '../db/audit';
import { loadConfig } from '../config';
import { shellSessionAudit } from './host-shell';
import { createTranscript, transcriptDir, transcriptState } from './transcript';
import { pruneTranscripts } from './transcript-retention';
import { auditQueue } from '../db/audit';
import { canMount, mountSmallDisk } from '../db/testing/small-disk';

let dataDir: string;
let db: Db;

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-transcripts-'));
  db = openDb(dataDir);
});

afterEach(() => {
  closeDb(db);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const who = { actor: 'admin', remote: '127.0.0.1' };

/** a finished session: its transcript of `bytes` bytes, written `ageS` seconds ago, and its audit rows (unless `audited` is false) */
async function session(bytes: number, ageS: number, audited = true): Promise<string> {
  const t = createTranscript(dataDir);
  if (audited) shellSessionAudit.opened(db, who, t.id);
  await new Promise<void>((resolve) => t.stream.end(Buffer.alloc(bytes, 'x'), resolve));
  if (audited) shellSessionAudit.ended(db, who, { transcript: t.id, seconds: 1, bytes });
  const when = new Date(Date.now() - ageS * 1000);
  fs.utimesSync(path.join(transcriptDir(dataDir), `${t.id}.log`), when, when);
  return t.id;
}

const files = () => fs.readdirSync(transcriptDir(dataDir)).sort();
const none = { isOpen: () => false };

describe('transcript retention', () => {
  it('deletes a transcript no audit row links to, unless its session is still open', async () => {
    const linked = await session(10, 30);
    const orphan = await session(10, 20, false);
    const open = await session(10, 10, false);
    expect(pruneTranscripts(db, dataDir, { maxBytes: 1 << 20, isOpen: (id) => id === open })).toEqual({ orphaned: 1, overSize: 0 });
    expect(files()).toEqual([`${linked}.log`, `${open}.log`].sort());
    expect(transcriptState(dataDir, orphan)).toBe('missing');
  });

  it('goes with its audit rows when the audit log is pruned', async () => {
    const old = await session(10, 30);
    const kept = await session(10, 20);
    // the newest 2 rows are the second session's: the first one's rows go
    expect(pruneAudit(db, { maxAgeDays: 365, maxRows: 2 })).toBe(2);
    pruneTranscripts(db, dataDir, { maxBytes: 1 << 20, ...none });
    expect(files()).toEqual([`${kept}.log`]);
    expect(transcriptState(dataDir, old)).toBe('missing');
  });

  it('keeps all of them under the size cap, the oldest going first, leaving a tombstone while audit rows link to it', async () => {
    const oldest = await session(400, 30);
    const middle = await session(400, 20);
    const newest = await session(400, 10);
    expect(pruneTranscripts(db, dataDir, { maxBytes: 1000, ...none })).toEqual({ orphaned: 0, overSize: 1 });
    expect([transcriptState(dataDir, oldest), transcriptState(dataDir, middle), transcriptState(dataDir, newest)]).toEqual(['deleted', 'kept', 'kept']);
    expect(fs.statSync(path.join(transcriptDir(dataDir), `${oldest}.deleted`)).mode & 0o777).toBe(0o600);
    // the tombstone goes with the rows
    pruneAudit(db, { maxAgeDays: 365, maxRows: 4 });
    pruneTranscripts(db, dataDir, { maxBytes: 1000, ...none });
    expect(files()).toEqual([`${middle}.log`, `${newest}.log`].sort());
  });

  it('never deletes the transcript of an open session, even the oldest and over the cap', async () => {
    const open = await session(800, 30);
    const closed = await session(400, 20);
    const newest = await session(100, 10);
    expect(pruneTranscripts(db, dataDir, { maxBytes: 1000, isOpen: (id) => id === open })).toEqual({ orphaned: 0, overSize: 1 });
    expect([transcriptState(dataDir, open), transcriptState(dataDir, closed), transcriptState(dataDir, newest)]).toEqual(['kept', 'deleted', 'kept']);
  });

  it('does nothing before the first transcript, and leaves other files alone', () => {
    expect(pruneTranscripts(db, dataDir, { maxBytes: 0, ...none })).toEqual({ orphaned: 0, overSize: 0 });
    fs.mkdirSync(transcriptDir(dataDir));
    fs.writeFileSync(path.join(transcriptDir(dataDir), 'notes.txt'), 'mine');
    pruneTranscripts(db, dataDir, { maxBytes: 0, ...none });
    expect(files()).toEqual(['notes.txt']);
  });

  it('JETVM_SHELL_TRANSCRIPT_MAX_MB: 512 MB by default, a clear error for a bad value', () => {
    expect(loadConfig({ JETVM_HOST: 'sim' }).hostShell.transcriptMaxBytes).toBe(512 * 1024 * 1024);
    expect(loadConfig({ JETVM_HOST: 'sim', JETVM_SHELL_TRANSCRIPT_MAX_MB: '3' }).hostShell.transcriptMaxBytes).toBe(3 * 1024 * 1024);
    for (const bad of ['0', '1.5', '2GB', '-1']) {
      expect(() => loadConfig({ JETVM_HOST: 'sim', JETVM_SHELL_TRANSCRIPT_MAX_MB: bad })).toThrow(
        `JETVM_SHELL_TRANSCRIPT_MAX_MB must be an integer from 1 to 1048576, not ${JSON.stringify(bad)}`,
      );
    }
  });
});

describe.skipIf(!canMount)('transcript retention on a full disk', () => {
  it('keeps a transcript whose audit rows wait for space, and still deletes for size without throwing', async () => {
    const disk = mountSmallDisk('1m');
    const realDataDir = dataDir;
    closeDb(db);
    dataDir = path.join(disk.dir, 'data');
    db = openDb(dataDir);
    try {
      const big = await session(300_000, 30);
      const waiting = createTranscript(dataDir);
      await new Promise<void>((resolve) => waiting.stream.once('close', () => resolve()).end());
      disk.fill([db]);
      shellSessionAudit.opened(db, who, waiting.id);
      shellSessionAudit.ended(db, who, { transcript: waiting.id, seconds: 1, bytes: 0 });
      expect(auditQueue(db).size).toBe(2);
      expect(() => pruneTranscripts(db, dataDir, { maxBytes: 100_000, ...none })).not.toThrow();
      expect(transcriptState(dataDir, waiting.id)).toBe('kept');
      expect(transcriptState(dataDir, big)).not.toBe('kept');
    } finally {
      auditQueue(db).stop();
      closeDb(db);
      disk.unmount();
      dataDir = realDataDir;
      db = openDb(dataDir);
    }
  });
});

