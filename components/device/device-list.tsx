import Link from 'next/link';
import type { DeviceSummary } from '@/server/overview/summary';
import { Mono } from '@/components/ui/facts';
import { StateBadge } from './state-badge';

export function DeviceList({ devices, empty }: { devices: DeviceSummary[]; empty: string }) {
  if (devices.length === 0) return <p className="text-sm text-slate-500">{empty}</p>;
  return (
    <ul className="space-y-1 text-sm">
      {devices.map((d) => (
        <li key={d.address} className="flex flex-wrap items-center gap-2">
          <Link href={`/devices/${d.address}`} className="underline-offset-2 hover:underline">
            <Mono>{d.address}</Mono>
          </Link>
          <span className="min-w-0 flex-1">{d.name}</span>
          <StateBadge state={d.state} />
        </li>
      ))}
    </ul>
  );
}
