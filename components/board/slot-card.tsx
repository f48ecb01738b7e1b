import Link from 'next/link';
import type { SlotCard as SlotCardData } from '@/server/overview/overview';
import type { DeviceSummary } from '@/server/overview/summary';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Mono } from '@/components/ui/facts';
import { LinkText } from '@/components/device/link-text';
import { StateBadge } from '@/components/device/state-badge';
import { VerdictLine } from '@/components/groups/verdict-line';
import { ChangeButtons } from '@/components/passthrough/change-buttons';
import { PowerGauge } from './power-gauge';

function DeviceRow({ d }: { d: DeviceSummary }) {
  return (
    <li className="rounded-md border border-slate-200 p-3" data-testid={`slot-device-${d.address}`}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <Link href={`/devices/${d.address}`} className="font-medium text-slate-900 underline-offset-2 hover:underline">
            {d.name}
          </Link>
          <p className="text-xs text-slate-500">
            {d.vendorName ?? 'unknown vendor'} · {d.className}
          </p>
        </div>
        <StateBadge state={d.state} />
      </div>
      <div className="mt-2 grid grid-cols-[max-content_1fr] gap-x-3 gap-y-0.5 text-xs">
        <span className="text-slate-500">address</span>
        <span>
          <Mono>{d.address}</Mono> · IDs <Mono>{d.vendorDevice}</Mono>
        </span>
        <span className="text-slate-500">driver</span>
        <span>
          {d.driver ?? 'none'}
          {d.driverOverride && <span className="text-slate-500"> (override: {d.driverOverride})</span>}
        </span>
        <span className="text-slate-500">link</span>
        <LinkText link={d.link} />
      </div>
    </li>
  );
}

export function SlotCard({ slot, isAdmin }: { slot: SlotCardData; isAdmin: boolean }) {
  const endpoints = slot.devices.filter((d) => !d.isBridge);
  return (
    <Card id={`slot-${slot.id}`} testId={`slot-${slot.id}`}>
      <CardHeader
        title={slot.name}
        sub={slot.location}
        aside={
          <>
            {slot.lanes > 0 && <Badge>x{slot.lanes}</Badge>}
            {slot.controller && <Badge>{slot.controller}</Badge>}
          </>
        }
      />
      <CardBody>
        {slot.power && <PowerGauge power={slot.power} isAdmin={isAdmin} />}
        {endpoints.length > 0 ? (
          <ul className="space-y-2">
            {endpoints.map((d) => (
              <DeviceRow key={d.address} d={d} />
            ))}
          </ul>
        ) : (
          <p className="text-sm text-slate-500" data-testid="slot-empty">
            Empty: no card answered on this slot{slot.rootPort ? '' : ' (its controller found no link, so no PCI bus appeared)'}.
          </p>
        )}
        {slot.group && (
          <div className="text-sm">
            <Link href={`/groups#group-${slot.group.id}`} className="text-slate-500 underline-offset-2 hover:underline">
              IOMMU group {slot.group.id}
            </Link>
            <VerdictLine verdict={slot.group.verdict} />
            {endpoints.length > 0 && (
              <div className="mt-2 flex flex-wrap gap-2">
                <ChangeButtons address={endpoints[0].address} states={endpoints.map((d) => d.state)} admin={isAdmin} />
              </div>
            )}
          </div>
        )}
        <details className="text-xs text-slate-600">
          <summary className="cursor-pointer select-none">About this slot</summary>
          <ul className="mt-1 list-disc space-y-0.5 pl-5">
            {slot.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
            {slot.rootPort && (
              <li>
                Root port <Link href={`/devices/${slot.rootPort.address}`} className="underline">{slot.rootPort.address}</Link> ({slot.rootPort.name}, {slot.rootPort.driver ?? 'no driver'})
              </li>
            )}
            <li>Source: {slot.source}</li>
          </ul>
        </details>
      </CardBody>
    </Card>
  );
}
