import Link from 'next/link';
import type { DeviceSummary } from '@/server/overview/summary';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Mono } from '@/components/ui/facts';
import { StateBadge } from '@/components/device/state-badge';

export function UnplacedDevices({ devices }: { devices: DeviceSummary[] }) {
  if (devices.length === 0) return null;
  return (
    <Card testId="unplaced">
      <CardHeader title="Other PCI devices" sub="Not behind one of the board's slots (on-board devices, other controllers)." />
      <CardBody>
        <ul className="divide-y divide-slate-100 text-sm">
          {devices.map((d) => (
            <li key={d.address} className="flex flex-wrap items-center gap-2 py-1.5">
              <Link href={`/devices/${d.address}`} className="underline-offset-2 hover:underline">
                <Mono>{d.address}</Mono>
              </Link>
              <span className="min-w-0 flex-1">{d.name}</span>
              <StateBadge state={d.state} />
            </li>
          ))}
        </ul>
      </CardBody>
    </Card>
  );
}
