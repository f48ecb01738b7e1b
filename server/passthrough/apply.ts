// Effects: run a plan through host.write() step by step, verify by re-scanning, and on any failure
// undo back to the recorded originals (and verify that too). One host change at a time: callers hold
// the host lock (server/devices/ownership.ts) from making the plan to the end of its writes.
import type { Host } from '../host/host';
import type { PciAddress, WriteResult } from '../host/types';
import { planRebind, planRollback } from './rollback';
import type { Plan, SysfsWrite } from './types';
import { verifyOriginals, verifyPlan, type Verification } from './verify';
import { PassthroughRefusedError } from './errors';

export interface StepRecord {
  step: number;
  write: SysfsWrite;
  result: WriteResult;
}

export type ApplyEvent =
  | { type: 'start'; kind: Plan['kind']; target: string; total: number }
  | { type: 'write'; phase: 'apply' | 'rollback'; step: number; total: number; write: SysfsWrite; result: WriteResult }
  | { type: 'verify'; phase: 'apply' | 'rollback'; verification: Verification }
  | { type: 'rollback'; reason: string }
  | { type: 'done'; outcome: ApplyOutcome };

export interface ApplyFailure {
  /** 1-based step that failed, or null when every write succeeded but verification did not */
  step: number | null;
  write: SysfsWrite | null;
  /** the kernel's answer ("ENODEV: No such device") or the verification problems */
  message: string;
}

export interface ApplyOutcome {
  ok: boolean;
  kind: Plan['kind'];
  target: string;
  group: number | null;
  steps: StepRecord[];
  verification: Verification | null;
  failure: ApplyFailure | null;
  rollback: { steps: StepRecord[]; verification: Verification } | null;
}

export type ApplyListener = (e: ApplyEvent) => void;

const tick = () => new Promise<void>((r) => setImmediate(r));

function safeWrite(host: Host, w: SysfsWrite): WriteResult {
  try {
    return host.write(w.path, w.value);
  } catch (e) {
    // the writer refused it before any I/O (allowlist): report like a kernel refusal
    return { path: w.path, value: w.value, ok: false, errno: 'EREFUSED', message: (e as Error).message };
  }
}

const errorText = (r: WriteResult) => `${r.errno ?? 'error'}: ${r.message ?? 'write failed'}`;

async function runWrites(host: Host, writes: SysfsWrite[], phase: 'apply' | 'rollback', emit: ApplyListener, stopOnError: boolean): Promise<StepRecord[]> {
  const done: StepRecord[] = [];
  for (const [i, write] of writes.entries()) {
    const result = safeWrite(host, write);
    done.push({ step: i + 1, write, result });
    emit({ type: 'write', phase, step: i + 1, total: writes.length, write, result });
    await tick();
    if (!result.ok && stopOnError) break;
  }
  return done;
}

export async function rollBack(host: Host, plan: Plan, touched: PciAddress[], emit: ApplyListener): Promise<{ steps: StepRecord[]; verification: Verification }> {
  const originals = plan.originals.filter((o) => touched.includes(o.address));
  // rollback keeps going past a failed write: each later step still brings something back
  const steps = await runWrites(host, planRollback(host.scan(), originals, touched), 'rollback', emit, false);
  const rebind = planRebind(host.scan(), originals);
  if (rebind.length) steps.push(...(await runWrites(host, rebind, 'rollback', emit, false)).map((s) => ({ ...s, step: steps.length + s.step })));
  const verification = verifyOriginals(host.scan(), originals);
  emit({ type: 'verify', phase: 'rollback', verification });
  return { steps, verification };
}

/** Applies a plan that has no refusals. Never throws for a kernel error: the outcome says what happened. */
export async function applyPlan(host: Host, plan: Plan, onEvent: ApplyListener = () => {}): Promise<ApplyOutcome> {
  if (plan.refusals.length) throw new PassthroughRefusedError(plan.refusals);
  {
    const outcome: ApplyOutcome = { ok: false, kind: plan.kind, target: plan.target, group: plan.group, steps: [], verification: null, failure: null, rollback: null };
    const emit: ApplyListener = (e) => {
      try {
        onEvent(e);
      } catch {
        /* a listener's failure must not stop a host change half-way */
      }
    };
    emit({ type: 'start', kind: plan.kind, target: plan.target, total: plan.writes.length });

    outcome.steps = await runWrites(host, plan.writes, 'apply', emit, true);
    const failed = outcome.steps.find((s) => !s.result.ok);
    if (failed) {
      outcome.failure = { step: failed.step, write: failed.write, message: `${failed.write.path} ← ${JSON.stringify(failed.write.value)}: ${errorText(failed.result)}` };
    } else {
      outcome.verification = verifyPlan(host.scan(), plan);
      emit({ type: 'verify', phase: 'apply', verification: outcome.verification });
      if (!outcome.verification.ok) outcome.failure = { step: null, write: null, message: outcome.verification.problems.join('; ') };
    }

    if (outcome.failure) {
      emit({ type: 'rollback', reason: outcome.failure.message });
      const touched = outcome.steps.map((s) => s.write.device);
      outcome.rollback = await rollBack(host, plan, touched, emit);
    } else {
      outcome.ok = true;
    }
    emit({ type: 'done', outcome });
    return outcome;
  }
}
