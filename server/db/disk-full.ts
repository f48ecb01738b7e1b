// A full data directory: SQLite says SQLITE_FULL (or an I/O error when the WAL or journal cannot
// grow), the file system ENOSPC. Writes that can wait are kept in memory and retried (RetryLater).
import type { Db } from './index';
import { log } from '../log';

/** Whether `err` is the file system (or SQLite on it) being out of space. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR') || code === 'ENOSPC');
}

/**
 * Calls `attempt` until it returns true: first after `firstMs`, then twice as long each time up to
 * `maxMs`. schedule() while a retry is pending does nothing; the timer never keeps the process alive.
 */
export class RetryLater {
  private timer: NodeJS.Timeout | null = null;
  private delay: number;

  constructor(
    private readonly attempt: () => boolean,
    private readonly firstMs = 1000,
    private readonly maxMs = 60_000,
  ) {
    this.delay = firstMs;
  }

  get pending(): boolean {
    return this.timer !== null;
  }

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.attempt()) this.delay = this.firstMs;
      else {
        this.delay = Math.min(this.maxMs, this.delay * 2);
        this.schedule();
      }
    }, this.delay);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/**
 * Writes a full disk refused, kept in memory by a subclass and written in one transaction when space
 * returns (retried with backoff). The subclass says what waits, how it is written and what is logged.
 */
export abstract class WaitingWrites {
  protected readonly retry: RetryLater;

  constructor(
    protected readonly db: Db,
    retry: { firstMs?: number; maxMs?: number } = {},
  ) {
    this.retry = new RetryLater(() => this.flush(), retry.firstMs, retry.maxMs);
  }

  /** nothing waits */
  protected abstract get idle(): boolean;
  /** writes everything that waits (runs inside the transaction) */
  protected abstract writeWaiting(): void;
  /** after the transaction committed: logs and forgets what was written */
  protected abstract written(): void;
  /** what to log when writing what waits failed for another reason than a full disk */
  protected abstract readonly failedMessage: string;
  /** close() could not write what waits: logs what is lost */
  protected abstract lostOnClose(): void;

  /** Writes everything waiting in one transaction; false (and a retry scheduled) when the disk is still full. */
  flush(): boolean {
    if (this.idle) return true;
    if (!this.db.open) return this.stop(), false;
    try {
      this.db.transaction(() => this.writeWaiting())();
    } catch (err) {
      if (!isDiskFull(err)) log.error({ err }, this.failedMessage);
      this.retry.schedule();
      return false;
    }
    this.written();
    this.retry.stop();
    return true;
  }

  stop(): void {
    this.retry.stop();
  }

  /** Before the database closes: a last try; what still cannot be written is lost (lostOnClose logs it). */
  close(): void {
    if (!this.flush()) this.lostOnClose();
    this.stop();
  }
}
