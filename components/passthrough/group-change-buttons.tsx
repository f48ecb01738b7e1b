'use client';
import type { GroupView } from '@/server/overview/groups';
import { ChangeButtons } from './change-buttons';
import { useIsAdmin } from './use-is-admin';

/** Pass through / return the whole group, planned for its first endpoint; nothing for a group of bridges only. */
export function GroupChangeButtons({ group }: { group: GroupView }) {
  const admin = useIsAdmin();
  const endpoints = group.members.filter((m) => m.kind === 'pci' && !m.isBridge && m.state);
  if (endpoints.length === 0) return null;
  return (
    <div className="flex flex-wrap gap-2">
      <ChangeButtons address={endpoints[0].name} states={endpoints.map((m) => m.state!)} admin={admin} />
    </div>
  );
}
