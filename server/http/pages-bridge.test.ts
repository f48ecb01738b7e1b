// The pages' way to the router (exposeToPages): the same session and role rules as the API, and no
// mutations from a server-rendered page.
import { afterAll, describe, expect, it } from 'vitest';
import { PAGES_BRIDGE_KEY } from '../../common/pages-bridge';
import { createSession, SESSION_COOKIE } from '../auth/sessions';
import { createUser } from '../auth/users';
import { useSimServices } from '../trpc/testing/sim-services';
import { createCallerFactory } from '../trpc/trpc';
import { exposeToPages, type WithPagesBridge } from './pages-bridge';

const services = useSimServices('t600');
let withdraw: (() => void) | null = null;
afterAll(() => withdraw?.());

function callerFor(cookie: string | null) {
  withdraw ??= exposeToPages(services());
  const bridge = (globalThis as WithPagesBridge)[PAGES_BRIDGE_KEY]!;
  return createCallerFactory(bridge.router)(bridge.contextFor(cookie));
}

const cookieFor = (user: string) => `other=1; ${SESSION_COOKIE}=${createSession(services().db, user, null).token}`;

describe('the pages bridge', () => {
  it('gives nothing without a valid session', async () => {
    await expect(callerFor(null).host.overview()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(callerFor(`${SESSION_COOKIE}=not-a-session`).host.overview()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it("answers a logged-in user's queries with the dashboard's own services", async () => {
    const view = await callerFor(cookieFor('admin')).host.overview();
    expect(view.slots.map((s) => s.id)).toEqual(expect.arrayContaining(['x8', 'm2e', 'm2m']));
  });

  it("keeps the API's roles: a viewer gets no admin-only data", async () => {
    createUser(services().db, 'vera', 'vera-password', 'viewer');
    const viewer = callerFor(cookieFor('vera'));
    await expect(viewer.audit.list({ limit: 5 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(viewer.auth.me()).resolves.toMatchObject({ name: 'vera', role: 'viewer' });
  });

  it('refuses every mutation, even an admin\'s: a page render changes nothing', async () => {
    await expect(callerFor(cookieFor('admin')).power.setCardWatts({ vendorDevice: '10de:1fb1', watts: 50, note: '' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('is withdrawn with the dashboard', () => {
    callerFor(null);
    withdraw!();
    withdraw = null;
    expect((globalThis as WithPagesBridge)[PAGES_BRIDGE_KEY]).toBeUndefined();
  });
});
