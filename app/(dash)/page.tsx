'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc';

export default function OverviewPage() {
  const trpc = useTRPC();
  const snap = useQuery(trpc.host.snapshot.queryOptions());
  if (snap.isLoading) return <p>Scanning…</p>;
  if (snap.error) return <p className="text-bad">{snap.error.message}</p>;
  return (
    <div>
      <h1 className="mb-4 text-2xl font-semibold">Overview</h1>
      <p className="text-sm text-slate-500">{snap.data?.snapshot.devices.length} PCI devices ({snap.data?.mode} host)</p>
    </div>
  );
}
