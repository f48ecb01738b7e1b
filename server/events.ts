import { EventEmitter, on } from 'node:events';

/** What changed, so open pages can refetch without a reload. */
export type ChangeEvent =
  | { kind: 'host'; reason: string }
  | { kind: 'vm'; vm: string; reason: string }
  | { kind: 'users' }
  | { kind: 'audit' };

const bus = new EventEmitter();
bus.setMaxListeners(0);

/** Identical events within this window are sent once more at its end instead of once each. */
export const COALESCE_MS = 500;
const quiet = new Map<string, { repeated: ChangeEvent | null }>();

/**
 * Publishes a change to every open page. The first of a kind goes out at once; repeats of the same
 * event during the next COALESCE_MS are folded into one (a flood of audited requests becomes one
 * "audit changed" per window, not one refetch per row in every open tab).
 */
export function publishChange(event: ChangeEvent): void {
  const key = JSON.stringify(event);
  const window = quiet.get(key);
  if (window) {
    window.repeated = event;
    return;
  }
  const entry: { repeated: ChangeEvent | null } = { repeated: null };
  quiet.set(key, entry);
  bus.emit('change', event);
  setTimeout(() => {
    quiet.delete(key);
    if (entry.repeated) publishChange(entry.repeated);
  }, COALESCE_MS).unref();
}

/** Async iterator of changes, ended (returning, not throwing) by the signal (used by tRPC subscriptions). */
export async function* changes(signal?: AbortSignal): AsyncGenerator<ChangeEvent> {
  try {
    for await (const [event] of on(bus, 'change', { signal })) yield event as ChangeEvent;
  } catch (err) {
    if (signal?.aborted) return;
    throw err;
  }
}
