'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '@/lib/trpc';
import type { ApplyOutcome } from '@/server/passthrough/apply';
import { GroupCard } from '@/components/groups/group-card';
import { Notice } from '@/components/ui/notice';

/** The group as the host has it now (re-scanned after the change). */
function GroupNow({ id }: { id: number }) {
  const trpc = useTRPC();
  const groups = useQuery(trpc.host.groups.queryOptions());
  const group = groups.data?.groups.find((g) => g.id === id);
  return group ? <GroupCard group={group} /> : null;
}

export function ChangeOutcome({ outcome }: { outcome: ApplyOutcome }) {
  const g = outcome.group;
  if (outcome.ok) {
    return (
      <div className="space-y-3" data-testid="outcome" data-ok="true">
        {outcome.kind === 'bind' ? (
          <Notice tone="ok" title={`Passed through: every endpoint of group ${g ?? '?'} is on vfio-pci`}>
            {g !== null && (
              <p>
                <code className="font-mono">/dev/vfio/{g}</code> is there: the group is ready for a VM. Assign its devices on the{' '}
                <Link href="/vms" className="underline">
                  VMs page
                </Link>
                .
              </p>
            )}
          </Notice>
        ) : (
          <Notice tone="ok" title={`Returned to the host: group ${g ?? '?'} is back on its host drivers`}>
            {g !== null && <p>vfio-pci let go of every endpoint and /dev/vfio/{g} is gone.</p>}
          </Notice>
        )}
        {g !== null && <GroupNow id={g} />}
      </div>
    );
  }
  const rollback = outcome.rollback;
  return (
    <div className="space-y-3" data-testid="outcome" data-ok="false">
      <Notice tone="bad" alert title={outcome.failure?.step ? `Failed at write ${outcome.failure.step}` : 'The writes went through, but the host is not as planned'}>
        <p className="font-mono text-xs break-all" data-testid="failure">
          {outcome.failure?.message}
        </p>
        {rollback && (
          <p className="mt-1">
            {rollback.verification.ok
              ? `Rolled back with ${rollback.steps.length} write(s): every device is back on the driver it had before.`
              : `Rolled back with ${rollback.steps.length} write(s), but not everything is back: ${rollback.verification.problems.join('; ')}. Check the devices below and the audit log.`}
          </p>
        )}
      </Notice>
      {g !== null && <GroupNow id={g} />}
    </div>
  );
}
