import type { DeviceSummary } from '@/server/overview/summary';
import { DeviceRow } from './device-row';

export function DeviceList({ devices, empty }: { devices: DeviceSummary[]; empty: string }) {
  if (devices.length === 0) return <p className="text-sm text-slate-500">{empty}</p>;
  return (
    <ul className="space-y-1 text-sm">
      {devices.map((d) => (
        <li key={d.address}>
          <DeviceRow device={d} />
        </li>
      ))}
    </ul>
  );
}
