import { EventEmitter, on } from 'node:events';

/** What changed, so open pages can refetch without a reload. */
export type ChangeEvent =
  | { kind: 'host'; reason: string }
  | { kind: 'vm'; vm: string; reason: string }
  | { kind: 'audit' };

const bus = new EventEmitter();
bus.setMaxListeners(0);

export function publishChange(event: ChangeEvent): void {
  bus.emit('change', event);
}

/** Async iterator of changes, ended by the signal (used by tRPC subscriptions). */
export async function* changes(signal?: AbortSignal): AsyncGenerator<ChangeEvent> {
  for await (const [event] of on(bus, 'change', { signal })) yield event as ChangeEvent;
}
