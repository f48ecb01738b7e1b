import { EventEmitter, on } from 'node:events';

/** What changed, so open pages can refetch without a reload. */
export type ChangeEvent =
  | { kind: 'host'; reason: string }
  | { kind: 'vm'; vm: string; reason: string }
  | { kind: 'users' }
  | { kind: 'audit' };

/** Identical events within this window are sent once more at its end instead of once each. */
export const COALESCE_MS = 500;

/** Who may publish a change (services get this much of the bus, not the subscription side). */
export interface ChangePublisher {
  publish(event: ChangeEvent): void;
}

/** The change bus of one dashboard (built by server/compose.ts): services publish, open pages and the console hubs follow. */
export class ChangeBus implements ChangePublisher {
  private readonly bus = new EventEmitter().setMaxListeners(0);
  private readonly quiet = new Map<string, { repeated: ChangeEvent | null }>();

  /**
   * Publishes a change to every open page. The first of a kind goes out at once; repeats of the same
   * event during the next COALESCE_MS are folded into one (a flood of audited requests becomes one
   * "audit changed" per window, not one refetch per row in every open tab).
   */
  publish(event: ChangeEvent): void {
    const key = JSON.stringify(event);
    const window = this.quiet.get(key);
    if (window) {
      window.repeated = event;
      return;
    }
    const entry: { repeated: ChangeEvent | null } = { repeated: null };
    this.quiet.set(key, entry);
    this.bus.emit('change', event);
    setTimeout(() => {
      this.quiet.delete(key);
      if (entry.repeated) this.publish(entry.repeated);
    }, COALESCE_MS).unref();
  }

  /** Async iterator of changes, ended (returning, not throwing) by the signal (used by tRPC subscriptions). */
  async *changes(signal?: AbortSignal): AsyncGenerator<ChangeEvent> {
    try {
      for await (const [event] of on(this.bus, 'change', { signal })) yield event as ChangeEvent;
    } catch (err) {
      if (signal?.aborted) return;
      throw err;
    }
  }
}
