import fs from 'node:fs';
import path from 'node:path';
import type { FileHandle } from 'node:fs/promises';

export interface HistoryOptions {
  /** total bytes kept on disk (current + previous segment), default 64 MiB */
  capBytes?: number;
  /** while writes fail, how often to try again, default 1 s */
  retryMs?: number;
}

export type RecordingState = { ok: true } | { ok: false; message: string; since: number };

const MiB = 1024 * 1024;

/**
 * A VM's console history, written by jetvm from the serial socket: `console.log` (the current
 * segment) and `console.log.1` (the previous one). When the current segment reaches half the cap it
 * becomes the previous one, so at most capBytes are kept and the newest capBytes/2 always are.
 *
 * Positions are logical: byte offsets in everything recorded since the files were opened, so a
 * reader keeps its place across a rotation. Appends are synchronous, in the order the bytes came,
 * which is what lets the hub hand a viewer over from the file to the live stream without a seam.
 *
 * A failed write (disk full) never throws: the bytes are counted as lost, writes are retried every
 * retryMs, and when one succeeds a marker line saying how much is missing goes in first.
 */
export class ConsoleHistory {
  /** logical offset of the oldest byte still on disk */
  base = 0;
  /** logical offset of the current segment's first byte */
  private segStart = 0;
  /** logical offset after the last recorded byte */
  end = 0;
  private fd: number | null = null;
  private readers = new Map<'prev' | 'cur', Promise<FileHandle | null>>();
  private failing: { message: string; since: number; lost: number; lastTry: number } | null = null;
  private readonly cap: number;
  private readonly retryMs: number;
  /** called when recording stops working or works again */
  onState: (state: RecordingState) => void = () => undefined;

  constructor(
    readonly file: string,
    opts: HistoryOptions = {},
  ) {
    this.cap = Math.max(opts.capBytes ?? 64 * MiB, 2 * 64 * 1024);
    this.retryMs = opts.retryMs ?? 1_000;
    const prev = sizeOf(`${file}.1`);
    this.segStart = prev;
    this.end = prev + sizeOf(file);
  }

  get previousFile(): string {
    return `${this.file}.1`;
  }

  get state(): RecordingState {
    return this.failing ? { ok: false, message: this.failing.message, since: this.failing.since } : { ok: true };
  }

  /** Appends what the guest printed; false when it could not be recorded (the bytes are lost to the history). */
  append(data: Buffer): boolean {
    const now = Date.now();
    if (this.failing && now - this.failing.lastTry < this.retryMs) {
      this.failing.lost += data.length;
      return false;
    }
    try {
      if (this.failing) {
        const { lost, since, message } = this.failing;
        const lostNow = lost + data.length;
        this.write(Buffer.from(`\r\n[jetvm: ${lostNow} bytes of console output were not recorded from ${new Date(since).toISOString()} to ${new Date(now).toISOString()} (${message})]\r\n`));
        this.failing = null;
        this.onState({ ok: true });
        this.write(data);
        return true;
      }
      this.write(data);
      return true;
    } catch (err) {
      const message = describeWriteError(err as NodeJS.ErrnoException);
      if (this.failing) {
        this.failing.lost += data.length;
        this.failing.lastTry = now;
      } else {
        this.failing = { message, since: now, lost: data.length, lastTry: now };
        this.onState(this.state);
      }
      return false;
    }
  }

  /** Reads up to length bytes at logical position pos (never across a segment boundary); pos must be >= base. */
  async read(pos: number, length: number): Promise<Buffer> {
    if (pos < this.base) throw new Error(`position ${pos} was rotated away (oldest is ${this.base})`);
    const inPrev = pos < this.segStart;
    const n = Math.min(length, (inPrev ? this.segStart : this.end) - pos);
    if (n <= 0) return Buffer.alloc(0);
    const handle = await this.reader(inPrev ? 'prev' : 'cur');
    if (!handle) return Buffer.alloc(0);
    const buf = Buffer.allocUnsafe(n);
    const { bytesRead } = await handle.read(buf, 0, n, inPrev ? pos - this.base : pos - this.segStart);
    return bytesRead === n ? buf : buf.subarray(0, bytesRead);
  }

  /**
   * Where a new viewer's history starts: everything kept when it is at most maxBytes, else the first
   * line boundary within the last maxBytes (so the terminal does not start mid-escape-sequence).
   */
  async historyStart(maxBytes: number): Promise<number> {
    if (this.end - this.base <= maxBytes) return this.base;
    const from = this.end - maxBytes;
    const probe = await this.read(from, Math.min(64 * 1024, maxBytes));
    const nl = probe.indexOf(0x0a);
    return nl >= 0 ? from + nl + 1 : from;
  }

  async close(): Promise<void> {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
    const readers = [...this.readers.values()];
    this.readers.clear();
    await Promise.all(readers.map(async (r) => (await r)?.close().catch(() => undefined)));
  }

  private write(data: Buffer): void {
    if (this.fd === null) {
      fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      this.fd = fs.openSync(this.file, 'a', 0o600);
    }
    let done = 0;
    try {
      while (done < data.length) done += fs.writeSync(this.fd, data, done);
    } finally {
      this.end += done;
    }
    if (this.end - this.segStart < this.cap / 2) return;
    try {
      this.rotate();
    } catch {
      // left as it was: the current segment keeps growing and the next write tries again
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
    this.base = this.segStart;
    this.segStart = this.end;
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
