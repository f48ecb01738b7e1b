// What the run measured, written by the test files (each runs in its own worker) and printed at the
// end of `npm run test:hil` by global-setup.ts.
import fs from 'node:fs';

export interface HilReport {
  timings: Record<string, number>;
  /** the nested guest's own kernel lines listing the passed card */
  guestLines: string[];
}

const file = () => process.env.JETVM_HIL_REPORT ?? '';

export function readReport(): HilReport {
  try {
    return JSON.parse(fs.readFileSync(file(), 'utf8')) as HilReport;
  } catch {
    return { timings: {}, guestLines: [] };
  }
}

export function record(change: Partial<HilReport>): void {
  if (!file()) return;
  const r = readReport();
  fs.writeFileSync(file(), JSON.stringify({ timings: { ...r.timings, ...change.timings }, guestLines: change.guestLines ?? r.guestLines }, null, 2));
}
