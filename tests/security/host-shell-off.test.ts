import { expect, it } from 'vitest';
import { useTestServer } from './harness';

const server = useTestServer(); // no JETVM_HOST_SHELL

it('the host shell is off by default: no route, and no ticket', async () => {
  const admin = await server.login();
  expect(server.app.wsRoutes.map((r) => r.prefix)).not.toContain('/ws/shell');
  expect((await server.upgrade('/ws/shell', { cookie: admin })).status).toBe(404);
  const unlock = await server.mutate('shell.unlock', { password: 'security-test-admin' }, { cookie: admin });
  expect([unlock.status, unlock.body.error.json.message]).toEqual([412, 'the host shell is off: start jetvm with JETVM_HOST_SHELL=1 to use it']);
  expect((await server.query('shell.status', undefined, { cookie: admin })).body.result.data.json).toMatchObject({ enabled: false });
});
