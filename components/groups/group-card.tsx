import Link from 'next/link';
import type { ReactNode } from 'react';
import type { GroupView } from '@/server/overview/groups';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Mono } from '@/components/ui/facts';
import { StateBadge } from '@/components/device/state-badge';
import { VerdictLine } from './verdict-line';

/** `actions`: what can be done with the group (the pass-through buttons), shown under the verdict. */
export function GroupCard({ group, actions }: { group: GroupView; actions?: ReactNode }) {
  return (
    <Card id={`group-${group.id}`} testId={`group-${group.id}`}>
      <CardHeader
        title={`IOMMU group ${group.id}`}
        sub={group.slot ? <Link href={`/#slot-${group.slot.id}`} className="underline-offset-2 hover:underline">{group.slot.name}</Link> : undefined}
        aside={<Badge tone={group.vfioNode ? 'ok' : 'neutral'}>{group.vfioNode ? `/dev/vfio/${group.id}` : 'no /dev/vfio node'}</Badge>}
      />
      <CardBody>
        <VerdictLine verdict={group.verdict} />
        {actions}
        <table className="w-full text-left text-sm">
          <thead className="text-xs text-slate-500">
            <tr>
              <th className="py-1 pr-3 font-normal">member</th>
              <th className="py-1 pr-3 font-normal">what it is</th>
              <th className="py-1 pr-3 font-normal">driver</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {group.members.map((m) => (
              <tr key={m.name} data-testid={`member-${m.name}`} className={m.kind === 'platform' ? 'bg-red-50/60' : ''}>
                <td className="py-1.5 pr-3 align-top whitespace-nowrap">
                  {m.kind === 'pci' ? (
                    <Link href={`/devices/${m.name}`} className="underline-offset-2 hover:underline">
                      <Mono>{m.name}</Mono>
                    </Link>
                  ) : (
                    <Mono>{m.name}</Mono>
                  )}
                </td>
                <td className="py-1.5 pr-3 align-top">
                  <span className="text-slate-900">{m.label}</span>
                  <span className="block text-xs text-slate-500">
                    {m.classText}
                    {m.isBridge && ' · stays with the host'}
                  </span>
                </td>
                <td className="py-1.5 pr-3 align-top">{m.state ? <StateBadge state={m.state} /> : <Badge tone={m.kind === 'platform' ? 'bad' : 'neutral'}>{m.driver ?? 'no driver'}</Badge>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </CardBody>
    </Card>
  );
}
