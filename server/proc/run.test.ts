import { describe, expect, it } from 'vitest';
import { BusyError, Limiter, programVersion, ResultCache, runProgram } from './run';

describe('runProgram', () => {
  it('runs a real program asynchronously: status, output, a missing program, a timeout', async () => {
    expect(await runProgram('sh', ['-c', 'echo out; echo err >&2; exit 3'])).toEqual({ missing: false, status: 3, stdout: 'out\n', stderr: 'err\n' });
    expect(await runProgram('/nonexistent/tool', [])).toMatchObject({ missing: true, status: null });
    const slow = await runProgram('sleep', ['5'], { timeoutMs: 100 });
    expect([slow.missing, slow.status]).toEqual([false, null]);
  });

  it('lets the event loop run while a child works', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    await runProgram('sleep', ['0.3']);
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(5);
  });
});

describe('Limiter', () => {
  it('runs at most max at once, queues the rest, and refuses beyond the queue', async () => {
    const limiter = new Limiter(2, 2);
    let running = 0;
    let peak = 0;
    const task = () =>
      limiter.run(async () => {
        peak = Math.max(peak, ++running);
        await new Promise((r) => setTimeout(r, 50));
        running--;
      });
    const accepted = [task(), task(), task(), task()];
    await expect(task()).rejects.toBeInstanceOf(BusyError);
    await Promise.all(accepted);
    expect(peak).toBe(2);
  });
});

describe('ResultCache', () => {
  it('computes once per key, also for concurrent asks; forgets on request and on failure', async () => {
    const cache = new ResultCache<number>(2);
    let calls = 0;
    const compute = async () => ++calls;
    expect(await Promise.all([cache.get('a', compute), cache.get('a', compute)])).toEqual([1, 1]);
    cache.forget('a');
    expect(await cache.get('a', compute)).toBe(2);
    await expect(cache.get('b', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(await cache.get('b', compute)).toBe(3);
  });

  it('a tool found missing is asked again later (installing it is seen)', async () => {
    expect(await programVersion('/nonexistent/qemu')).toBeNull();
    expect(await programVersion('dtc')).toMatch(/DTC \d/);
  });
});
