import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExitSteps } from './exit-steps';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => void process.on('unhandledRejection', onUnhandled));
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

describe('VM exit steps', () => {
  it('runs every step although some fail, reports each failure, and retries the ones marked retry until they succeed', async () => {
    const ran: string[] = [];
    const reports: Array<{ step: string; attempt: number; final: boolean }> = [];
    let claimsFailures = 2;
    await runExitSteps(
      [
        { name: 'claims', retry: true, run: () => { ran.push('claims'); if (claimsFailures-- > 0) throw new Error('database or disk is full'); } },
        { name: 'audit', run: async () => { ran.push('audit'); throw new Error('database or disk is full'); } },
        { name: 'publish', run: () => void ran.push('publish') },
      ],
      ({ step, attempt, final }) => reports.push({ step, attempt, final }),
      [10],
    );
    expect(ran).toEqual(['claims', 'audit', 'publish']);
    await new Promise((r) => setTimeout(r, 100));
    expect(ran.filter((s) => s === 'claims')).toHaveLength(3);
    expect(reports).toEqual([
      { step: 'claims', attempt: 1, final: false },
      { step: 'audit', attempt: 1, final: true },
      { step: 'claims', attempt: 2, final: false },
    ]);
  });
});
