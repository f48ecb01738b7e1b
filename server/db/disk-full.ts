// A full data directory: SQLite says SQLITE_FULL (or an I/O error when the WAL or journal cannot
// grow), the file system ENOSPC. Writes that can wait are kept in memory and retried (RetryLater).

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
