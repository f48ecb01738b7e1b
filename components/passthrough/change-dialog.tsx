'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc';
import type { PlanKind } from '@/server/passthrough/types';
import { Notice } from '@/components/ui/notice';
import { Mono } from '@/components/ui/facts';
import { dangerButton, primaryButton, secondaryButton, VERB } from './buttons';
import { ChangeOutcome } from './change-outcome';
import { ChangeProgress } from './change-progress';
import { useMemberNames } from './device-names';
import { Modal } from './modal';
import { PlanMembers } from './plan-members';
import { RefusalList } from './refusal-list';
import { useHostChange } from './use-host-change';
import { useIsAdmin } from './use-is-admin';
import { WriteList } from './write-list';
import { errorDataOf } from '@/common/errors';

/**
 * Pass a device's IOMMU group through (or give it back): the plan with its exact writes first, then,
 * once an admin confirms, each write with the kernel's answer, then the result or the rollback.
 */
export function ChangeDialog({ kind, address, onClose }: { kind: PlanKind; address: string; onClose: () => void }) {
  const trpc = useTRPC();
  const admin = useIsAdmin();
  const names = useMemberNames();
  const live = useQuery({ ...(kind === 'bind' ? trpc.passthrough.plan : trpc.passthrough.planRelease).queryOptions({ address }), retry: false });
  const change = useHostChange(kind);
  const plan = change.confirmed ?? live.data;
  const started = change.confirmed !== null;
  const stale = errorDataOf(change.error)?.reason === 'stale-plan';

  const title = `${VERB[kind]}: ${plan?.group != null ? `IOMMU group ${plan.group}` : address}`;
  const canConfirm = admin && !started && plan && plan.refusals.length === 0 && plan.writes.length > 0;

  const footer = (
    <>
      {!started && plan && !admin && plan.refusals.length === 0 && (
        <p className="mr-auto text-sm text-slate-600" data-testid="read-only">
          Read-only: only an admin can {kind === 'bind' ? 'pass devices through' : 'return devices to the host'}.
        </p>
      )}
      {stale && (
        <button type="button" className={secondaryButton} onClick={() => (change.reset(), void live.refetch())}>
          Show the new plan
        </button>
      )}
      <button type="button" className={secondaryButton} onClick={onClose} disabled={change.running}>
        {change.running ? 'Working…' : started ? 'Close' : 'Cancel'}
      </button>
      {canConfirm && (
        <button type="button" className={kind === 'bind' ? primaryButton : dangerButton} onClick={() => change.run(plan)} data-testid="confirm">
          {VERB[kind]}: make these {plan.writes.length} writes
        </button>
      )}
    </>
  );

  return (
    <Modal title={title} onClose={change.running ? () => {} : onClose} footer={footer} testId="change-dialog">
      {live.isLoading && !plan && <p className="text-slate-500">Planning…</p>}
      {live.error && !plan && (
        <Notice tone="bad" alert title="Could not make a plan">
          {live.error.message}
        </Notice>
      )}
      {change.outcome && <ChangeOutcome outcome={change.outcome} />}
      {plan && !change.outcome && (
        <>
          <p className="text-sm text-slate-600">
            {kind === 'bind'
              ? 'A whole IOMMU group is passed through, never one function: every endpoint in it goes to vfio-pci together.'
              : 'Every endpoint of the group is unbound from vfio-pci and probed again, so its host driver takes it back.'}{' '}
            Asked for <Mono>{plan.target}</Mono>.
          </p>
          <PlanMembers plan={plan} names={names} />
          {plan.refusals.length > 0 && <RefusalList refusals={plan.refusals} target={plan.target} />}
          {plan.notes.length > 0 && (
            <ul className="list-disc space-y-0.5 pl-5 text-sm text-slate-700" data-testid="plan-notes">
              {plan.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
          {!started && plan.writes.length > 0 && (
            <section>
              <h3 className="mb-1 text-sm font-semibold">The exact sysfs writes, in this order</h3>
              <WriteList writes={plan.writes} testId="plan-writes" />
            </section>
          )}
        </>
      )}
      {/* once done, the result comes first and the writes with their answers below it */}
      {plan && started && <ChangeProgress plan={plan} events={change.events} outcome={change.outcome} running={change.running} />}
      {change.error && (
        <Notice tone="bad" alert title={stale ? 'The host changed since this plan was shown' : 'Nothing was written'} testId="change-error">
          {change.error.message}
        </Notice>
      )}
    </Modal>
  );
}
