import Link from 'next/link';
import type { GrouplessDevice } from '@/server/overview/groups';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Mono } from '@/components/ui/facts';
import { StateBadge } from '@/components/device/state-badge';

export function GrouplessList({ devices }: { devices: GrouplessDevice[] }) {
  if (devices.length === 0) return null;
  return (
    <Card testId="groupless">
      <CardHeader title="Devices without an IOMMU group" sub="On ARM the kernel puts a device in a group when a driver probes it (DMA is set up at probe time)." />
      <CardBody>
        <ul className="divide-y divide-slate-100 text-sm">
          {devices.map((d) => (
            <li key={d.address} className="py-2">
              <div className="flex flex-wrap items-center gap-2">
                <Link href={`/devices/${d.address}`} className="underline-offset-2 hover:underline">
                  <Mono>{d.address}</Mono>
                </Link>
                <span className="min-w-0 flex-1">{d.name}</span>
                <StateBadge state={d.state} />
              </div>
              <p className="text-xs text-slate-600">{d.note}</p>
            </li>
          ))}
        </ul>
      </CardBody>
    </Card>
  );
}
