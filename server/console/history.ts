import fs from 'node:fs';
import path from 'node:path';
import type { FileHandle } from 'node:fs/promises';

export interface HistoryOptions {
  /** total bytes kept on disk (current + previous segment), default 64 MiB */
  capBytes?: number;
  /** while writes fail, how often to try again, default 1 s */
  retryMs?: number;
  /** after a write, appended bytes wait at most this long before the next one, default 5 ms */
  flushMs?: number;
}

export type RecordingState = { ok: true } | { ok: false; message: string; since: number };

const MiB = 1024 * 1024;
/** pending bytes are written at once when they reach this */
const FLUSH_BYTES = 64 * 1024;

/**
 * A VM's console history, written by jetvm from the serial socket: `console.log` (the current
 * segment) and `console.log.1` (the previous one). When the current segment reaches half the cap it
 * becomes the previous one, so at most capBytes are kept and the newest capBytes/2 always are.
 *
 * Positions are logical: byte offsets in everything recorded since the files were opened, so a
 * reader keeps its place across a rotation. Appends are batched, in the order the bytes came: an
 * append after a quiet flushMs is written at once (an echoed keystroke: after it was sent, so no
 * timer fires later to stand in the way of the next key), and what follows within flushMs of a
 * write waits for one write at the end of that window, or at 64 KiB pending. Anything that looks
 * at what is recorded (base, end, read, historyStart, flush) writes what is pending first, so
 * positions are always those of the bytes on disk. That is what lets the hub hand a viewer over from the file to the live stream without a seam.
 *
 * A failed write (disk full) never throws: the bytes are counted as lost, writes are retried every
 * retryMs, and when one succeeds a marker line saying how much is missing goes in first.
 */
export class ConsoleHistory {
  /** logical offset of the oldest byte still on disk */
  private oldest = 0;
  /** logical offset of the current segment's first byte */
  private segStart = 0;
  /** logical offset after the last byte written */
  private written = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private flushTimer: NodeJS.Timeout | null = null;
  /** when the last write of pending bytes was made (performance.now()) */
  private lastFlush = -Infinity;
  private fd: number | null = null;
  private readers = new Map<'prev' | 'cur', Promise<FileHandle | null>>();
  private failing: { message: string; since: number; lost: number; lastTry: number } | null = null;
  private readonly cap: number;
  private readonly retryMs: number;
  private readonly flushMs: number;
  /** called when recording stops working or works again */
  onState: (state: RecordingState) => void = () => undefined;

  constructor(
    readonly file: string,
    opts: HistoryOptions = {},
  ) {
    this.cap = Math.max(opts.capBytes ?? 64 * MiB, 2 * 64 * 1024);
    this.retryMs = opts.retryMs ?? 1_000;
    this.flushMs = opts.flushMs ?? 5;
    const prev = sizeOf(`${file}.1`);
    this.segStart = prev;
    this.written = prev + sizeOf(file);
  }

  get previousFile(): string {
    return `${this.file}.1`;
  }

  /** logical offset of the oldest byte still on disk (after writing what is pending) */
  get base(): number {
    this.flush();
    return this.oldest;
  }

  /** logical offset after the last recorded byte (after writing what is pending) */
  get end(): number {
    this.flush();
    return this.written;
  }

  get state(): RecordingState {
    return this.failing ? { ok: false, message: this.failing.message, since: this.failing.since } : { ok: true };
  }

  /** Records what the guest printed: now after a quiet flushMs or once 64 KiB are pending, else at the end of the window. */
  append(data: Buffer): void {
    if (data.length === 0) return;
    this.pending.push(data);
    this.pendingBytes += data.length;
    if (this.flushTimer && this.pendingBytes < FLUSH_BYTES) return;
    const quietFor = performance.now() - this.lastFlush;
    if (quietFor >= this.flushMs || this.pendingBytes >= FLUSH_BYTES) this.flush();
    else this.flushTimer = setTimeout(() => this.flush(), this.flushMs - quietFor);
  }

  /** Writes what is pending; false when some of it could not be recorded (those bytes are lost to the history). */
  flush(): boolean {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.pendingBytes === 0) return true;
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.lastFlush = performance.now();
    const now = Date.now();
    if (this.failing && now - this.failing.lastTry < this.retryMs) {
      this.failing.lost += data.length;
      return false;
    }
    let recorded = 0;
    try {
      if (this.failing) {
        const { lost, since, message } = this.failing;
        this.write(Buffer.from(`\r\n[jetvm: ${lost} bytes of console output were not recorded from ${new Date(since).toISOString()} to ${new Date(now).toISOString()} (${message})]\r\n`));
        this.failing = null;
        this.onState({ ok: true });
      }
      const from = this.written;
      try {
        this.write(data);
      } finally {
        recorded = this.written - from;
      }
      return true;
    } catch (err) {
      const message = describeWriteError(err as NodeJS.ErrnoException);
      const lost = data.length - recorded;
      if (this.failing) {
        this.failing.lost += lost;
        this.failing.lastTry = now;
      } else {
        this.failing = { message, since: now, lost, lastTry: now };
        this.onState(this.state);
      }
      return false;
    }
  }

  /** Reads up to length bytes at logical position pos (never across a segment boundary); pos must be >= base. */
  async read(pos: number, length: number): Promise<Buffer> {
    if (pos < this.base) throw new Error(`position ${pos} was rotated away (oldest is ${this.oldest})`);
    const inPrev = pos < this.segStart;
    const n = Math.min(length, (inPrev ? this.segStart : this.written) - pos);
    if (n <= 0) return Buffer.alloc(0);
    const handle = await this.reader(inPrev ? 'prev' : 'cur');
    if (!handle) return Buffer.alloc(0);
    const buf = Buffer.allocUnsafe(n);
    const { bytesRead } = await handle.read(buf, 0, n, inPrev ? pos - this.oldest : pos - this.segStart);
    return bytesRead === n ? buf : buf.subarray(0, bytesRead);
  }

  /**
   * Where a new viewer's history starts: everything kept when it is at most maxBytes, else the first
   * line boundary within the last maxBytes (so the terminal does not start mid-escape-sequence).
   */
  async historyStart(maxBytes: number): Promise<number> {
    if (this.end - this.oldest <= maxBytes) return this.oldest;
    const from = this.written - maxBytes;
    const probe = await this.read(from, Math.min(64 * 1024, maxBytes));
    const nl = probe.indexOf(0x0a);
    return nl >= 0 ? from + nl + 1 : from;
  }

  /** Writes what is pending and closes the files. */
  async close(): Promise<void> {
    this.flush();
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
    const readers = [...this.readers.values()];
    this.readers.clear();
    await Promise.all(readers.map(async (r) => (await r)?.close().catch(() => undefined)));
  }

  /** Writes data, rotating whenever the current segment reaches half the cap (so it never passes it). */
  private write(data: Buffer): void {
    for (let done = 0; done < data.length; ) {
      if (this.fd === null) {
        fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
        this.fd = fs.openSync(this.file, 'a', 0o600);
      }
      const room = this.segStart + this.cap / 2 - this.written;
      const upTo = room > 0 ? Math.min(data.length, done + room) : data.length;
      while (done < upTo) {
        const n = fs.writeSync(this.fd, data, done, upTo - done);
        done += n;
        this.written += n;
      }
      if (this.written - this.segStart < this.cap / 2) continue;
      try {
        this.rotate();
      } catch {
        // left as it was: the current segment keeps growing and the next write tries again
      }
    }
  }

  /** The current segment becomes the previous one (the old previous one is dropped). */
  private rotate(): void {
    fs.closeSync(this.fd!);
    this.fd = null;
    fs.renameSync(this.file, this.previousFile);
    const oldPrev = this.readers.get('prev');
    const oldCur = this.readers.get('cur');
    this.readers.delete('cur');
    // an open handle on the renamed segment still reads it; the dropped one closes once idle
    if (oldCur) this.readers.set('prev', oldCur);
    else this.readers.delete('prev');
    void oldPrev?.then((h) => h?.close().catch(() => undefined));
    this.oldest = this.segStart;
    this.segStart = this.written;
  }

  private reader(which: 'prev' | 'cur'): Promise<FileHandle | null> {
    let r = this.readers.get(which);
    if (!r) {
      const file = which === 'prev' ? this.previousFile : this.file;
      const opening: Promise<FileHandle | null> = fs.promises.open(file, 'r').catch(() => {
        // not written yet: try again on the next read
        if (this.readers.get(which) === opening) this.readers.delete(which);
        return null;
      });
      r = opening;
      this.readers.set(which, r);
    }
    return r;
  }
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

function describeWriteError(err: NodeJS.ErrnoException): string {
  if (err.code === 'ENOSPC') return 'disk full';
  if (err.code === 'EDQUOT') return 'disk quota exceeded';
  if (err.code === 'EROFS') return 'file system is read-only';
  return `write failed: ${err.code ?? err.message}`;
}
