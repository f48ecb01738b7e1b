// The steps of handling a VM's exit, each run on its own: one failing (a full disk makes SQLite
// writes fail) neither stops the others nor escapes as an unhandled rejection. A step that fails is
// reported and, when it is marked retry, tried again with backoff until it succeeds or gives up.

export interface ExitStep {
  name: string;
  run: () => unknown;
  /** try again later when it fails (state that must not stay behind: claims, run rows) */
  retry?: boolean;
}

export interface StepReport {
  (e: { step: string; error: string; attempt: number; final: boolean }): void;
}

const BACKOFF_MS = [500, 1_000, 2_000, 5_000, 10_000, 30_000];
/** a step marked retry is tried this many times in all (the last wait repeats), about 20 minutes */
const MAX_ATTEMPTS = 45;

/** Runs every step in order; resolves once each has run once (retries continue in the background). */
export async function runExitSteps(steps: ExitStep[], report: StepReport, backoffMs: readonly number[] = BACKOFF_MS): Promise<void> {
  for (const step of steps) await attempt(step, 1, report, backoffMs);
}

async function attempt(step: ExitStep, n: number, report: StepReport, backoffMs: readonly number[]): Promise<void> {
  try {
    await step.run();
  } catch (err) {
    const final = !step.retry || n >= MAX_ATTEMPTS;
    report({ step: step.name, error: (err as Error).message, attempt: n, final });
    if (final) return;
    const wait = backoffMs[Math.min(n - 1, backoffMs.length - 1)]!;
    setTimeout(() => void attempt(step, n + 1, report, backoffMs), wait).unref();
  }
}
