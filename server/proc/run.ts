// The one way the server runs short-lived helper programs (dtc, fdtoverlay, qemu --version, …) while it
// answers requests: asynchronously (the event loop keeps serving), at most a few at a time (a viewer
// batching heavy queries cannot fork-bomb the machine), and cached where the answer cannot change.
import { execFile } from 'node:child_process';
import os from 'node:os';
import { DomainError } from '../errors';

export interface RunResult {
  /** the program does not exist (ENOENT) */
  missing: boolean;
  /** exit status; null when it was killed (timeout) or never started */
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  timeoutMs?: number;
}

/** Counts running children and queues the rest; a full queue refuses at once instead of growing without end. */
export class Limiter {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(
    readonly max: number,
    readonly maxQueue: number,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) {
      if (this.waiting.length >= this.maxQueue) throw new BusyError();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.running += 1;
    try {
      return await task();
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
    }
  }
}

export class BusyError extends DomainError {
  readonly kind = 'busy' as const;
  readonly code = 'busy';
  constructor() {
    super('the server is busy running other checks; try again in a moment');
    this.name = 'BusyError';
  }
}

// half the cores (at least one): the other half keeps answering requests while checks run (npm run bench:stall)
export const processLimiter = new Limiter(Math.max(1, Math.floor((os.availableParallelism?.() ?? 2) / 2)), 64);

/** Runs a program without a shell; resolves (never rejects) with its status and output, or `missing`. */
export function runProgram(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return processLimiter.run(
    () =>
      new Promise<RunResult>((resolve) => {
        execFile(cmd, args, { cwd: opts.cwd, timeout: opts.timeoutMs ?? 20_000, encoding: 'utf8', maxBuffer: 8 << 20 }, (err, stdout, stderr) => {
          const e = err as (NodeJS.ErrnoException & { code?: string | number }) | null;
          const missing = e?.code === 'ENOENT';
          const status = !e ? 0 : typeof e.code === 'number' ? e.code : null;
          const extra = e && !missing && typeof e.code !== 'number' ? String(e.message) : '';
          resolve({ missing, status, stdout: stdout ?? '', stderr: (stderr ?? '') + extra });
        });
      }),
  );
}

/**
 * Remembers the promise of an answer that cannot change for the same key (a tool's version, the
 * same overlay's check), so repeated and concurrent asks run the program once. Bounded: the oldest
 * entry goes first.
 */
export class ResultCache<T> {
  private readonly entries = new Map<string, Promise<T>>();
  constructor(private readonly maxEntries = 128) {}

  get(key: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit) return hit;
    const p = compute();
    this.entries.set(key, p);
    p.catch(() => this.entries.delete(key));
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return p;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}

// a memo of what a binary answers (refreshed when it goes missing), not state: dashboards may share it
const versions = new ResultCache<string | null>(32);

/** First line of `<binary> --version`, null when it cannot run (cached per binary until it is found missing, so installing it later is seen). */
export async function programVersion(binary: string): Promise<string | null> {
  const version = await versions.get(binary, async () => {
    const r = await runProgram(binary, ['--version'], { timeoutMs: 10_000 });
    return r.status === 0 ? r.stdout.split('\n')[0].trim() || null : null;
  });
  if (version === null) versions.forget(binary);
  return version;
}
