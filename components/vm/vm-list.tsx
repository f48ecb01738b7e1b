'use client';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc';
import { Notice } from '@/components/ui/notice';
import { Loading } from '@/components/ui/page-state';
import { VmActions } from './vm-actions';
import { Uptime, VmStateBadge } from './vm-state';

export function VmList() {
  const trpc = useTRPC();
  const list = useQuery(trpc.vms.list.queryOptions());
  if (list.isLoading) return <Loading what="the VMs" />;
  if (list.error || !list.data) return <Notice tone="bad" alert title="Could not read the VMs">{list.error?.message}</Notice>;
  if (list.data.length === 0) return <Notice tone="info">No VMs defined yet. Build the demo guest (npm run guest:build) and restart jetvm to get the demo VM.</Notice>;
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="w-full text-sm" data-testid="vm-list">
        <thead className="bg-slate-50 text-left text-xs text-slate-500 uppercase">
          <tr>
            <th className="px-3 py-2">Name</th>
            <th className="px-3 py-2">State</th>
            <th className="px-3 py-2">Uptime</th>
            <th className="px-3 py-2">Devices</th>
            <th className="px-3 py-2">Memory / vCPUs</th>
            <th className="px-3 py-2">Actions</th>
          </tr>
        </thead>
        <tbody>
          {list.data.map(({ vm, status }) => (
            <tr key={vm.name} className="border-t border-slate-100 align-top" data-testid={`vm-row-${vm.name}`}>
              <td className="px-3 py-2 font-medium">
                <Link href={`/vms/${encodeURIComponent(vm.name)}`} className="text-sky-700 hover:underline">
                  {vm.name}
                </Link>
              </td>
              <td className="px-3 py-2">
                <VmStateBadge state={status.state} />
                {status.sim && <span className="ml-1 text-xs text-slate-500">sim</span>}
              </td>
              <td className="px-3 py-2">
                <Uptime state={status.state} since={status.since} />
              </td>
              <td className="px-3 py-2 font-mono text-xs">{vm.devices.length ? vm.devices.join(', ') : <span className="text-slate-400">none</span>}</td>
              <td className="px-3 py-2">
                {vm.memoryMiB} MiB / {vm.vcpus}
              </td>
              <td className="px-3 py-2">
                <VmActions name={vm.name} state={status.state} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
