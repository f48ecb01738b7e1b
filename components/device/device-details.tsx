'use client';
import Link from 'next/link';
import type { DeviceView } from '@/server/overview/device';
import type { IdName } from '@/server/host/types';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Facts, Mono } from '@/components/ui/facts';
import { Notice } from '@/components/ui/notice';
import { VerdictLine } from '@/components/groups/verdict-line';
import { BootPanel } from '@/components/passthrough/boot-panel';
import { ChangeButtons } from '@/components/passthrough/change-buttons';
import { useIsAdmin } from '@/components/passthrough/use-is-admin';
import { BarTable } from './bar-table';
import { DeviceList } from './device-list';
import { LinkText } from './link-text';
import { ParentChain } from './parent-chain';
import { StateBadge } from './state-badge';

const idName = (x: IdName | null) =>
  x ? (
    <>
      {x.name ?? <span className="text-slate-500">not in pci.ids</span>} <Mono>{x.id}</Mono>
    </>
  ) : (
    '—'
  );

export function DeviceDetails({ view }: { view: DeviceView }) {
  const admin = useIsAdmin();
  const cls = view.class;
  const endpoint = !view.summary.isBridge;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-start gap-3">
        <div className="min-w-0 flex-1">
          <h1 className="text-2xl font-semibold tracking-tight" data-testid="device-name">
            {view.summary.name}
          </h1>
          <p className="text-sm text-slate-500">
            <Mono>{view.summary.address}</Mono> · {view.vendor.name ?? 'unknown vendor'} · {view.summary.className}
          </p>
        </div>
        <StateBadge state={view.summary.state} />
        {endpoint && (
          <div className="flex w-full flex-wrap gap-2 sm:w-auto">
            <ChangeButtons address={view.summary.address} states={[view.summary, ...view.siblings].filter((d) => !d.isBridge).map((d) => d.state)} admin={admin} />
          </div>
        )}
      </div>
      {view.warnings.length > 0 && (
        <Notice tone="warn" title="The scan had trouble with this device">
          <ul className="list-disc pl-5">
            {view.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </Notice>
      )}
      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader title="Identity" />
          <CardBody>
            <Facts
              rows={[
                ['vendor', idName(view.vendor)],
                ['device', idName(view.device)],
                ['IDs', <Mono key="ids">{view.summary.vendorDevice}</Mono>],
                view.subsystemVendor && ['subsystem vendor', idName(view.subsystemVendor)],
                view.subsystemDevice && ['subsystem', idName(view.subsystemDevice)],
                ['revision', view.revision ?? '—'],
                ['class', <span key="c">{[cls.className, cls.subclassName, cls.progIfName].filter(Boolean).join(' / ') || 'unknown'} <Mono>{cls.code}</Mono></span>],
              ]}
            />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Driver, group and slot" />
          <CardBody>
            <Facts
              rows={[
                ['driver', view.driver ?? 'none'],
                ['driver_override', view.driverOverride ?? 'not set'],
                ['link', <LinkText key="l" link={view.link} />],
                ['slot', view.slot ? <Link key="s" href={`/#slot-${view.slot.id}`} className="underline">{view.slot.name}</Link> : 'not in a board slot'],
                [
                  'IOMMU group',
                  view.group ? (
                    <Link key="g" href={`/groups#group-${view.group.id}`} className="underline" data-testid="device-group">
                      group {view.group.id} ({view.group.members.length} members)
                    </Link>
                  ) : (
                    'none yet: the kernel creates it when a driver probes'
                  ),
                ],
                view.blockDevices.length > 0 && ['block devices', view.blockDevices.join(', ')],
                view.netInterfaces.length > 0 && ['network interfaces', view.netInterfaces.join(', ')],
                ['sysfs', <Mono key="p">/{view.sysfsPath}</Mono>],
              ]}
            />
            {view.group && <VerdictLine verdict={view.group.verdict} />}
          </CardBody>
        </Card>
      </div>
      <Card testId="bars">
        <CardHeader title="BARs" sub="Memory and I/O regions the device decodes (from sysfs `resource`)." />
        <CardBody>{view.bars.length ? <BarTable bars={view.bars} testId="bar-table" /> : <p className="text-sm text-slate-500">No BARs in use.</p>}</CardBody>
      </Card>
      {view.windows.length > 0 && (
        <Card testId="windows">
          <CardHeader title="Bridge windows" sub="Address ranges this bridge forwards to the devices below it." />
          <CardBody>
            <BarTable bars={view.windows} testId="window-table" />
          </CardBody>
        </Card>
      )}
      {endpoint && <BootPanel address={view.summary.address} />}
      <div className="grid gap-4 lg:grid-cols-3">
        <Card>
          <CardHeader title="Parents" sub="nearest first" />
          <CardBody>
            <ParentChain view={view} />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Other functions of this card" />
          <CardBody>
            <DeviceList devices={view.siblings} empty="None: a single-function device." />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Devices below" />
          <CardBody>
            <DeviceList devices={view.children} empty="None." />
          </CardBody>
        </Card>
      </div>
    </div>
  );
}
