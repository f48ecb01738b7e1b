'use client';
import { VmList } from '@/components/vm/vm-list';
import { PageTitle } from '@/components/ui/page-state';

export default function VmsPage() {
  return (
    <div className="space-y-4">
      <PageTitle sub="Guests under QEMU/KVM with their passed-through PCIe devices; open one to watch its console.">Virtual machines</PageTitle>
      <VmList />
    </div>
  );
}
