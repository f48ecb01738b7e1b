import Link from 'next/link';
import type { DeviceSummary } from '@/server/overview/summary';
import { Mono } from '@/components/ui/facts';
import { StateBadge } from './state-badge';

/** One device on a line: its address (linked to its page), its name and its state. */
export function DeviceRow({ device }: { device: Pick<DeviceSummary, 'address' | 'name' | 'state'> }) {
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Link href={`/devices/${device.address}`} className="underline-offset-2 hover:underline">
        <Mono>{device.address}</Mono>
      </Link>
      <span className="min-w-0 flex-1">{device.name}</span>
      <StateBadge state={device.state} />
    </div>
  );
}
