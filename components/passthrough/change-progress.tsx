import type { ApplyEvent, ApplyOutcome, StepRecord } from '@/server/passthrough/apply';
import type { Plan } from '@/server/passthrough/types';
import type { Verification } from '@/server/passthrough/verify';
import { Notice } from '@/components/ui/notice';
import { WriteList, type StepResult } from './write-list';

/** The story so far, from the final outcome when there is one, else from the live events. */
function story(events: ApplyEvent[], outcome: ApplyOutcome | null) {
  const steps = (phase: 'apply' | 'rollback'): StepRecord[] =>
    events.flatMap((e) => (e.type === 'write' && e.phase === phase ? [{ step: e.step, write: e.write, result: e.result }] : []));
  const verification = (phase: 'apply' | 'rollback'): Verification | null =>
    events.findLast((e): e is Extract<ApplyEvent, { type: 'verify' }> => e.type === 'verify' && e.phase === phase)?.verification ?? null;
  const rollbackReason = events.find((e): e is Extract<ApplyEvent, { type: 'rollback' }> => e.type === 'rollback')?.reason ?? null;
  if (outcome) {
    return {
      applied: outcome.steps,
      verified: outcome.verification,
      rollbackReason: outcome.failure ? outcome.failure.message : null,
      rolledBack: outcome.rollback?.steps ?? [],
      rollbackVerified: outcome.rollback?.verification ?? null,
    };
  }
  // rollback steps are numbered per run of writes; keep them in arrival order
  const rolledBack = steps('rollback').map((s, i) => ({ ...s, step: i + 1 }));
  return { applied: steps('apply'), verified: verification('apply'), rollbackReason, rolledBack, rollbackVerified: verification('rollback') };
}

const byStep = (steps: StepRecord[]) => new Map<number, StepResult>(steps.map((s) => [s.step, s.result]));

function VerificationLine({ v, what }: { v: Verification; what: string }) {
  return v.ok ? (
    <p className="text-sm text-green-800" data-testid="verification">
      ✔ Re-scanned the host: {what}.
    </p>
  ) : (
    <div className="text-sm text-red-800" data-testid="verification">
      <p>✖ Re-scanned the host, and it is not as expected:</p>
      <ul className="list-disc pl-5">
        {v.problems.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
    </div>
  );
}

/** Each write of the confirmed plan with the kernel's answer as it comes, the check, and any rollback. */
export function ChangeProgress({ plan, events, outcome, running }: { plan: Plan; events: ApplyEvent[]; outcome: ApplyOutcome | null; running: boolean }) {
  const s = story(events, outcome);
  // how many writes the progress subscription reported (the outcome alone would not prove it live)
  const liveWrites = events.filter((e) => e.type === 'write' && e.phase === 'apply').length;
  const expectation = plan.kind === 'bind' ? 'every endpoint is on vfio-pci as planned' : 'every endpoint is back as planned';
  return (
    <div className="space-y-3" data-testid="progress" data-live-writes={liveWrites}>
      <section>
        <h3 className="mb-1 text-sm font-semibold">
          Writes {running && !s.rollbackReason && <span className="font-normal text-slate-500">— {s.applied.length} of {plan.writes.length} done</span>}
        </h3>
        <WriteList writes={plan.writes} results={byStep(s.applied)} unanswered={running && !s.rollbackReason ? 'waiting' : s.rollbackReason ? 'skipped' : undefined} testId="progress-writes" />
      </section>
      {s.verified && <VerificationLine v={s.verified} what={expectation} />}
      {s.rollbackReason && (
        <section className="space-y-2" data-testid="rollback">
          <Notice tone="warn" title="Rolling back to how the devices were">
            <p className="font-mono text-xs break-all">{s.rollbackReason}</p>
          </Notice>
          {s.rolledBack.length > 0 ? (
            <WriteList writes={s.rolledBack.map((r) => r.write)} results={byStep(s.rolledBack)} testId="rollback-writes" />
          ) : (
            !running && <p className="text-sm text-slate-600">Nothing had changed, so there was nothing to undo.</p>
          )}
          {s.rollbackVerified && <VerificationLine v={s.rollbackVerified} what="every device is back on its original driver" />}
        </section>
      )}
    </div>
  );
}
