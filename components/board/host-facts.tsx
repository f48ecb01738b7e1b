import type { OverviewView } from '@/server/overview/overview';
import { Card, CardBody } from '@/components/ui/card';
import { Facts } from '@/components/ui/facts';
import { LocalTime } from '@/components/ui/local-time';

const yesNo = (v: boolean | null, yes: string, no: string, unknown = 'unknown') => (v === null ? unknown : v ? yes : no);

export function HostFacts({ view }: { view: OverviewView }) {
  return (
    <Card>
      <CardBody>
        <Facts
          rows={[
            ['board', view.board.name],
            ['kernel', view.host.kernelRelease ?? 'unknown'],
            ['PCI devices', `${view.host.devices} in ${view.host.groups} IOMMU groups`],
            ['vfio-pci', yesNo(view.host.vfioPciDriver, 'driver loaded', 'not loaded (modprobe vfio-pci)')],
            [
              'unsafe interrupts',
              view.host.allowUnsafeInterrupts === false ? (
                <span className="text-amber-700">not allowed: the Orin needs vfio_iommu_type1.allow_unsafe_interrupts=1 (its PCIe MSIs bypass an ITS)</span>
              ) : (
                yesNo(view.host.allowUnsafeInterrupts, 'allowed (needed on the Orin)', '', 'vfio_iommu_type1 not loaded')
              ),
            ],
            ['scanned', <LocalTime at={view.takenAt} show="time" />],
          ]}
        />
      </CardBody>
    </Card>
  );
}
