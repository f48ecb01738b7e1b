import type { GrouplessDevice } from '@/server/overview/groups';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { DeviceRow } from '@/components/device/device-row';

export function GrouplessList({ devices }: { devices: GrouplessDevice[] }) {
  if (devices.length === 0) return null;
  return (
    <Card testId="groupless">
      <CardHeader title="Devices without an IOMMU group" sub="On ARM the kernel puts a device in a group when a driver probes it (DMA is set up at probe time)." />
      <CardBody>
        <ul className="divide-y divide-slate-100 text-sm">
          {devices.map((d) => (
            <li key={d.address} className="py-2">
              <DeviceRow device={d} />
              <p className="text-xs text-slate-600">{d.note}</p>
            </li>
          ))}
        </ul>
      </CardBody>
    </Card>
  );
}
