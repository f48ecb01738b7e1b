// Progress of host changes, by operation id: the mutation that makes the change reports into it,
// a read-only subscription replays what happened so far and follows until the change is done.
import { EventEmitter, on } from 'node:events';
import type { ApplyEvent } from './apply';

interface Operation {
  events: ApplyEvent[];
  done: boolean;
}

const KEEP = 64;

export class ProgressHub {
  private readonly ops = new Map<string, Operation>();
  private readonly bus = new EventEmitter().setMaxListeners(0);

  private op(id: string): Operation {
    let op = this.ops.get(id);
    if (!op) {
      op = { events: [], done: false };
      this.ops.set(id, op);
      // forget the oldest finished (or never started) operations, so watching made-up ids costs nothing lasting
      for (const [old, o] of this.ops) if (this.ops.size > KEEP && old !== id && (o.done || o.events.length === 0)) this.ops.delete(old);
    }
    return op;
  }

  /** A listener for applyPlan() that records into operation `id`. */
  reporter(id: string): (e: ApplyEvent) => void {
    const op = this.op(id);
    return (e) => {
      op.events.push(e);
      if (e.type === 'done') op.done = true;
      this.bus.emit(id, e);
    };
  }

  /** Every event of the operation so far, then live ones until 'done' (or the signal ends it). */
  async *watch(id: string, signal?: AbortSignal): AsyncGenerator<ApplyEvent> {
    const op = this.op(id);
    const seen = op.events.length;
    const live = on(this.bus, id, { signal }); // subscribe before replaying, so nothing falls in between
    yield* op.events.slice(0, seen);
    if (op.done) return;
    try {
      for await (const [e] of live) {
        yield e as ApplyEvent;
        if ((e as ApplyEvent).type === 'done') return;
      }
    } catch (err) {
      if ((err as Error).name !== 'AbortError') throw err;
    }
  }
}
