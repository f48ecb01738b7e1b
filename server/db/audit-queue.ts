// Audit entries a full disk refused, kept in memory in order and written when space returns
// (retried with backoff). Bounded: past `max`, the oldest go and an "audit.lost" entry says how many.
import type { Db } from './index';
import type { AuditEntry } from './audit';
import { addToTally, insertAudit, insertAuditCounted, type Tally } from './audit-store';
import { isDiskFull, WaitingWrites } from './disk-full';
import { log } from '../log';

export type QueuedAudit =
  | { kind: 'one'; entry: AuditEntry; at: string }
  | { kind: 'counted'; entry: AuditEntry; windowMs: number; tally: Tally };

const atOf = (q: QueuedAudit) => (q.kind === 'one' ? q.at : q.tally.first);

export interface AuditQueueOptions {
  /** entries kept while the disk is full */
  max?: number;
  retryFirstMs?: number;
  retryMaxMs?: number;
  /** called when queued entries reached the table */
  onWritten?: () => void;
}

export class AuditQueue extends WaitingWrites {
  private items: QueuedAudit[] = [];
  private lost: { count: number; from: string; to: string } | null = null;
  private readonly max: number;
  protected readonly failedMessage = 'audit: writing the queued entries failed; retrying';

  constructor(
    db: Db,
    private readonly opts: AuditQueueOptions = {},
  ) {
    super(db, { firstMs: opts.retryFirstMs, maxMs: opts.retryMaxMs });
    this.max = opts.max ?? 1000;
  }

  /** entries waiting for space (an "audit.lost" entry not counted) */
  get size(): number {
    return this.items.length;
  }

  get lostCount(): number {
    return this.lost?.count ?? 0;
  }

  /** Writes the entry now, or queues it behind the ones waiting. Errors other than a full disk reach the caller. */
  record(item: QueuedAudit): void {
    if (this.items.length === 0 && !this.lost) {
      try {
        return this.write(item);
      } catch (err) {
        if (!isDiskFull(err)) throw err;
        log.warn({ err }, 'audit: the disk is full; entries wait in memory until it has space');
      }
      this.items.push(item);
      return this.retry.schedule();
    }
    this.enqueue(item);
    this.flush();
  }

  private enqueue(item: QueuedAudit): void {
    const same = item.kind === 'counted' ? this.items.findLast((q) => sameCount(q, item)) : undefined;
    if (same?.kind === 'counted' && item.kind === 'counted') {
      addToTally(same.tally, item.entry.actor, item.tally.last);
      return;
    }
    this.items.push(item);
    while (this.items.length > this.max) {
      const dropped = this.items.shift()!;
      this.lost = { count: (this.lost?.count ?? 0) + 1, from: this.lost?.from ?? atOf(dropped), to: atOf(dropped) };
    }
  }

  protected get idle(): boolean {
    return this.items.length === 0 && !this.lost;
  }

  protected writeWaiting(): void {
    if (this.lost) {
      const { count, from, to } = this.lost;
      insertAudit(this.db, { actor: null, remote: null, action: 'audit.lost', result: 'error', detail: { lost: count, from, to } }, new Date().toISOString());
    }
    for (const item of this.items) this.write(item);
  }

  protected written(): void {
    log.info({ written: this.items.length, lost: this.lostCount }, 'audit: the queued entries are written');
    this.items = [];
    this.lost = null;
    this.opts.onWritten?.();
  }

  protected lostOnClose(): void {
    log.error({ lost: this.size + this.lostCount }, 'audit: the disk is still full; entries that waited for space are lost');
  }

  private write(item: QueuedAudit): void {
    if (item.kind === 'one') insertAudit(this.db, item.entry, item.at);
    else insertAuditCounted(this.db, item.entry, item.windowMs, item.tally);
  }
}

/** The same action, client and result, still within the first attempt's window. */
function sameCount(q: QueuedAudit, item: QueuedAudit & { kind: 'counted' }): boolean {
  return (
    q.kind === 'counted' &&
    q.entry.action === item.entry.action &&
    q.entry.result === item.entry.result &&
    q.entry.remote === item.entry.remote &&
    Date.parse(item.tally.first) - Date.parse(q.tally.first) < q.windowMs
  );
}
