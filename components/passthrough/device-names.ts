'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc';

export interface MemberName {
  label: string;
  driver: string | null;
}

/** Names and current drivers of every group member and group-less device, from the groups page's data. */
export function useMemberNames(): Map<string, MemberName> {
  const trpc = useTRPC();
  const groups = useQuery(trpc.host.groups.queryOptions());
  const names = new Map<string, MemberName>();
  for (const g of groups.data?.groups ?? []) for (const m of g.members) names.set(m.name, { label: m.label, driver: m.driver });
  for (const d of groups.data?.groupless ?? []) names.set(d.address, { label: d.name, driver: d.driver });
  return names;
}
