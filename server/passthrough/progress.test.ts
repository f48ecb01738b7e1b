import { describe, expect, it } from 'vitest';
import type { ApplyEvent } from './apply';
import { ProgressHub } from './progress';

const start: ApplyEvent = { type: 'start', kind: 'bind', target: '0000:03:00.0', total: 0 };
const done = { type: 'done', outcome: {} } as ApplyEvent;

describe('progress hub', () => {
  it('replays what happened, follows live events, and ends at done', async () => {
    const hub = new ProgressHub();
    const report = hub.reporter('op-a');
    report(start);
    const seen: string[] = [];
    const following = (async () => {
      for await (const e of hub.watch('op-a')) seen.push(e.type);
    })();
    await new Promise((r) => setImmediate(r));
    report({ type: 'rollback', reason: 'x' });
    report(done);
    await following;
    expect(seen).toEqual(['start', 'rollback', 'done']);
  });

  it('a watcher of an unknown id stops when its signal aborts, and such ids do not pile up', async () => {
    const hub = new ProgressHub();
    const ac = new AbortController();
    const w = (async () => {
      for await (const _ of hub.watch('nobody', ac.signal)) void _;
    })();
    ac.abort();
    await w;
    for (let i = 0; i < 1000; i++) void hub.watch(`made-up-${i}`).next();
    expect((hub as unknown as { ops: Map<string, unknown> }).ops.size).toBeLessThanOrEqual(65);
  });
});
