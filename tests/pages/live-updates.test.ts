// Live updates refetch only what a change touched (lib/trpc-live.ts): a real QueryClient holding the
// queries the pages show, keyed by tRPC's own proxy, and which of them each change marks stale.
import { QueryClient, type QueryKey } from '@tanstack/react-query';
import { createTRPCClient } from '@trpc/client';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../server/events';
import type { AppRouter } from '../../server/trpc/root';
import { changesWhoIsShown, invalidateTouched } from '../../lib/trpc-live';

function screenWithEveryPage() {
  const queryClient = new QueryClient();
  // the proxy only makes keys here: no query function runs (a link-less client would fail if one did)
  const trpc = createTRPCOptionsProxy<AppRouter>({ client: createTRPCClient<AppRouter>({ links: [] }), queryClient });
  const shown = {
    overview: trpc.host.overview.queryKey(),
    dataDisk: trpc.host.dataDisk.queryKey(),
    groups: trpc.host.groups.queryKey(),
    device: trpc.host.device.queryKey({ address: '0005:01:00.0' }),
    plan: trpc.passthrough.plan.queryKey({ address: '0005:01:00.0' }),
    powerList: trpc.power.list.queryKey(),
    vmList: trpc.vms.list.queryKey(),
    vm: trpc.vms.get.queryKey({ name: 'demo' }),
    images: trpc.vms.images.queryKey(),
    me: trpc.auth.me.queryKey(),
    users: trpc.users.list.queryKey(),
    audit: trpc.audit.list.infiniteQueryKey({ limit: 50 }),
    shell: trpc.shell.status.queryKey(),
  };
  for (const key of Object.values(shown) as QueryKey[]) queryClient.setQueryData(key, { any: 'data' });
  const staleAfter = (event: ChangeEvent) => {
    invalidateTouched(queryClient, trpc, event);
    const stale = Object.entries(shown).filter(([, key]) => queryClient.getQueryState(key)?.isInvalidated).map(([name]) => name);
    return stale.sort();
  };
  return { staleAfter };
}

describe('live updates refetch only what a change touched', () => {
  it('a new audit row: the audit log only', () => {
    expect(screenWithEveryPage().staleAfter({ kind: 'audit' })).toEqual(['audit']);
  });

  it('a user change: the users list and who is logged in (a role may have changed)', () => {
    expect(screenWithEveryPage().staleAfter({ kind: 'users' })).toEqual(['me', 'users']);
  });

  it("a VM's state: the VMs and the devices it holds, not the disk images, users, audit or data disk", () => {
    expect(screenWithEveryPage().staleAfter({ kind: 'vm', vm: 'demo', reason: 'started' })).toEqual(
      ['device', 'groups', 'overview', 'plan', 'vm', 'vmList'].sort(),
    );
  });

  it('a host change: devices, card power and every VM (their checks read device states), not images, users or audit', () => {
    expect(screenWithEveryPage().staleAfter({ kind: 'host', reason: 'passed through' })).toEqual(
      ['device', 'groups', 'overview', 'plan', 'powerList', 'vm', 'vmList'].sort(),
    );
  });
});

describe('the nav bar (rendered on the server with the user) is rendered again', () => {
  it('on a user change only', () => {
    const events: ChangeEvent[] = [{ kind: 'users' }, { kind: 'audit' }, { kind: 'vm', vm: 'demo', reason: 'started' }, { kind: 'host', reason: 'passed through' }];
    expect(events.filter(changesWhoIsShown)).toEqual([{ kind: 'users' }]);
  });
});
