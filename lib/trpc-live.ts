import type { QueryClient, QueryKey } from '@tanstack/react-query';
import type { TRPCOptionsProxy } from '@trpc/tanstack-react-query';
import type { ChangeEvent } from '@/server/events';
import type { AppRouter } from '@/server/trpc/root';

type Trpc = TRPCOptionsProxy<AppRouter>;

/** What a device's state shows up in: the slots, the groups, a device page, the passthrough plans and overlays. */
const deviceViews = (trpc: Trpc): QueryKey[] => [
  trpc.host.overview.pathKey(),
  trpc.host.groups.pathKey(),
  trpc.host.device.pathKey(),
  trpc.host.snapshot.pathKey(),
  trpc.passthrough.pathKey(),
];

/** What a VM's state or its devices show up in (not the disk images, nor the data disk). */
const vmViews = (trpc: Trpc): QueryKey[] => [trpc.vms.list.pathKey(), trpc.vms.get.pathKey(), trpc.vms.argv.pathKey(), trpc.vms.checks.pathKey()];

/** The queries a change can alter. A VM's start or stop moves its devices; a device change alters every VM's checks. */
export function queriesTouchedBy(event: ChangeEvent, trpc: Trpc): QueryKey[] {
  switch (event.kind) {
    case 'audit':
      return [trpc.audit.pathKey()];
    case 'users':
      return [trpc.users.pathKey(), trpc.auth.pathKey()];
    case 'vm':
      return [...vmViews(trpc), ...deviceViews(trpc)];
    case 'host':
      return [...deviceViews(trpc), trpc.power.pathKey(), ...vmViews(trpc)];
  }
}

/** Whether the change alters who the nav bar shows as logged in, or which links their role gets (components/layout/nav-bar-live.tsx). */
export const changesWhoIsShown = (event: ChangeEvent): boolean => event.kind === 'users';

/** Refetches, of what is on screen, only what the change touches: a new audit row reloads the audit log, nothing else. */
export function invalidateTouched(queryClient: QueryClient, trpc: Trpc, event: ChangeEvent): void {
  for (const queryKey of queriesTouchedBy(event, trpc)) void queryClient.invalidateQueries({ queryKey });
}
