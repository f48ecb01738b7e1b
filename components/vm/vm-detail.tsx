'use client';
import Link from 'next/link';
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc';
import { VmConsole } from '@/components/console/lazy-terminal';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Facts, Mono } from '@/components/ui/facts';
import { Notice } from '@/components/ui/notice';
import { Loading, PageTitle } from '@/components/ui/page-state';
import { ArgvBlock } from './argv-block';
import { autostartText, bootText, cloudInitText, networkText } from './guest-facts';
import { VmActions } from './vm-actions';
import { VmChecks } from './vm-checks';
import { VmDefinitionActions } from './vm-definition-actions';
import { VmExport } from './vm-export';
import { LazyVmForm as VmForm } from './lazy-vm-form';
import { isUp, Uptime, VmStateBadge } from './vm-state';

function MonoList({ items }: { items: string[] }) {
  return (
    <span className="flex flex-wrap gap-1">
      {items.map((i) => (
        <Mono key={i}>{i}</Mono>
      ))}
    </span>
  );
}

/** One VM: state, uptime, devices, start checks, the exact QEMU argv and the live serial console. */
export function VmDetail({ name }: { name: string }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.vms.get.queryOptions({ name }));
  const me = useQuery(trpc.auth.me.queryOptions());
  const [editing, setEditing] = useState(false);
  if (q.isLoading) return <Loading what={`VM ${name}`} />;
  if (q.error || !q.data) return <Notice tone="bad" alert title={`Could not read VM "${name}"`}>{q.error?.message}</Notice>;
  const { vm, status, checks, plan, autostart } = q.data;
  const admin = me.data?.role === 'admin';
  return (
    <div className="space-y-4">
      <PageTitle sub={<Link href="/vms" className="text-sky-700 hover:underline">← all VMs</Link>}>
        VM {vm.name} <VmStateBadge state={status.state} />
      </PageTitle>
      {status.lastError && (
        <Notice tone="bad" title="The last start failed" testId="vm-last-error">
          <pre className="mt-1 whitespace-pre-wrap break-words font-mono text-xs">{status.lastError}</pre>
        </Notice>
      )}
      <div className="grid gap-4 lg:grid-cols-[1fr_auto]">
        <Card>
          <CardBody>
            <Facts
              rows={[
                ['State', <span key="s">{status.state}{status.pid ? ` (pid ${status.pid})` : ''}</span>],
                ['Uptime', <Uptime key="u" state={status.state} since={status.since} />],
                ['Devices', vm.devices.length ? <MonoList key="d" items={vm.devices} /> : 'none'],
                ['Memory', `${vm.memoryMiB} MiB`],
                ['vCPUs', String(vm.vcpus)],
                ['Boot', bootText(vm)],
                vm.firmware !== 'uefi' && ['Kernel', <Mono key="k">{vm.kernel}</Mono>],
                vm.firmware !== 'uefi' && ['Initrd', vm.initrd ? <Mono key="i">{vm.initrd}</Mono> : 'none'],
                ['Disks', vm.disks.length ? <MonoList key="di" items={vm.disks.map((d) => `${d.path} (${d.format}${d.readOnly ? ', read-only' : ''})`)} /> : 'none'],
                Boolean(vm.cdroms?.length) && ['CD-ROMs', <MonoList key="cd" items={vm.cdroms ?? []} />],
                vm.firmware !== 'uefi' && ['Command line', <Mono key="c">{vm.cmdline || '(none)'}</Mono>],
                ['Network', <span key="n" data-testid="vm-network-fact">{networkText(vm)}</span>],
                ['cloud-init', cloudInitText(vm)],
                ['Autostart', <span key="a" data-testid="vm-autostart-fact">{autostartText(vm, autostart)}</span>],
                ['Accelerator', vm.accel],
                ['pci=nomsi', vm.pciNomsi ? 'on' : 'off'],
                ['Machine options', vm.machineOptions.length ? <MonoList key="m" items={vm.machineOptions} /> : 'none'],
                ['On stop', vm.onStop === 'keep' ? 'keep the devices on vfio-pci' : 'return the devices to their host drivers'],
                plan.sim && ['Mode', 'simulated Orin: passed devices are replaced by emulated stand-ins'],
              ]}
            />
          </CardBody>
        </Card>
        <Card>
          <CardBody className="space-y-4">
            <VmActions name={vm.name} state={status.state} />
            {admin && <VmDefinitionActions vm={vm} state={status.state} editing={editing} onEdit={() => setEditing(true)} />}
            <VmExport name={vm.name} />
          </CardBody>
        </Card>
      </div>
      {admin && editing && (
        <Card testId="edit-vm">
          <CardHeader title={`Edit VM ${vm.name}`} sub="the server checks every path and value before anything is written" />
          <CardBody>
            <VmForm vm={vm} onCancel={() => setEditing(false)} onDone={() => setEditing(false)} />
          </CardBody>
        </Card>
      )}
      {!isUp(status.state) && <VmChecks checks={checks} />}
      <Card testId="vm-console">
        <CardHeader title="Serial console" sub="ttyAMA0: the whole history, then live; everyone watching sees the same output" />
        <CardBody>
          <VmConsole vm={vm.name} />
        </CardBody>
      </Card>
      <Card>
        <CardHeader title="QEMU command" sub={plan.sim ? 'what runs here (stand-ins, TCG) and what would run on the Jetson (vfio-pci, KVM)' : 'exactly what jetvm runs'} />
        <CardBody>
          <ArgvBlock title={plan.sim ? 'Runs here (simulation)' : 'Runs'} argv={plan.run.argv} notes={plan.run.notes} testId="argv-run" />
          {plan.sim && <ArgvBlock title="On the Jetson" argv={plan.real.argv} notes={plan.real.notes} testId="argv-real" />}
        </CardBody>
      </Card>
    </div>
  );
}
