import type { DeviceSummary } from '@/server/overview/summary';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { DeviceRow } from '@/components/device/device-row';

export function UnplacedDevices({ devices }: { devices: DeviceSummary[] }) {
  if (devices.length === 0) return null;
  return (
    <Card testId="unplaced">
      <CardHeader title="Other PCI devices" sub="Not behind one of the board's slots (on-board devices, other controllers)." />
      <CardBody>
        <ul className="divide-y divide-slate-100 text-sm">
          {devices.map((d) => (
            <li key={d.address} className="py-1.5">
              <DeviceRow device={d} />
            </li>
          ))}
        </ul>
      </CardBody>
    </Card>
  );
}
