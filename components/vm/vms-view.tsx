'use client';
import Link from 'next/link';
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc';
import { VmList } from '@/components/vm/vm-list';
import { LazyVmForm as VmForm } from '@/components/vm/lazy-vm-form';
import { ImageList } from '@/components/vm/image-list';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Notice } from '@/components/ui/notice';
import { PageTitle } from '@/components/ui/page-state';

export function VmsView() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const admin = me.data?.role === 'admin';
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <PageTitle sub="Guests under QEMU/KVM with their passed-through PCIe devices; open one to watch its console.">Virtual machines</PageTitle>
        {admin && !creating && (
          <button
            className="rounded bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800"
            onClick={() => {
              setCreated(null);
              setCreating(true);
            }}
          >
            New VM
          </button>
        )}
      </div>
      {created && (
        <Notice tone="ok" testId="vm-created">
          Created VM{' '}
          <Link href={`/vms/${encodeURIComponent(created)}`} className="font-medium underline">
            {created}
          </Link>
          .
        </Notice>
      )}
      {admin && creating && (
        <Card testId="new-vm">
          <CardHeader title="New VM" sub="the server checks every path and value before anything is written" />
          <CardBody>
            <VmForm
              onCancel={() => setCreating(false)}
              onDone={(vm) => {
                setCreating(false);
                setCreated(vm.name);
              }}
            />
          </CardBody>
        </Card>
      )}
      <VmList />
      <ImageList admin={admin} />
    </div>
  );
}
