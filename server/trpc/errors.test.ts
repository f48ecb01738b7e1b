// What a failed call sends, over real HTTP: domain errors as their kind's code with data.reason, input issues
// with their paths and plain words, and a bug (a TypeError) as an internal error whose words stay on the server.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { INTERNAL_ERROR_MESSAGE } from '../../common/errors';
import { KnownError } from '../errors';
import { StalePlanError } from '../passthrough/errors';
import { VmInputError } from '../vm/schema';
import { publicProcedure, router, type Context } from './trpc';

const testRouter = router({
  bug: publicProcedure.query(() => (undefined as unknown as { x: number }).x),
  stale: publicProcedure.query(() => {
    throw new StalePlanError();
  }),
  refused: publicProcedure.query(() => {
    throw new KnownError('refused', 'real-mode-only', 'only on a real Jetson');
  }),
  vmInput: publicProcedure.query(() => {
    throw new VmInputError([{ path: ['disks', 1], message: '/x does not exist' }]);
  }),
  input: publicProcedure.input(z.object({ memoryMiB: z.int().min(64), accel: z.enum(['kvm', 'tcg']) })).query(() => 'ok'),
});

let server: http.Server;
let url: string;
beforeAll(async () => {
  const handler = createHTTPHandler({
    router: testRouter,
    createContext: (): Context => ({ services: null as never, user: null, req: { remote: null, origin: null, selfOrigin: null, secure: false, sessionToken: null }, setCookie: () => {} }),
  });
  server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function call(proc: string, input?: unknown) {
  const q = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const res = await fetch(`${url}/${proc}${q}`);
  const body = (await res.json()) as { error: { json: { message: string; data: Record<string, unknown> } } };
  return { status: res.status, ...body.error.json };
}

describe('API errors', () => {
  it('a bug is an internal error: a plain message, no stack, no domain reason', async () => {
    const r = await call('bug');
    expect(r.status).toBe(500);
    expect(r.message).toBe(INTERNAL_ERROR_MESSAGE);
    expect(r.data).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', reason: null, issues: null });
    expect(JSON.stringify(r)).not.toMatch(/TypeError|Cannot read|at .*\.ts/);
  });

  it.each([
    ['stale', 409, 'CONFLICT', 'stale-plan', /host changed/],
    ['refused', 412, 'PRECONDITION_FAILED', 'real-mode-only', /only on a real Jetson/],
  ])('%s: a domain error keeps its words, with its kind as code and its own code as reason', async (proc, status, code, reason, words) => {
    const r = await call(proc);
    expect([r.status, r.data.code, r.data.reason]).toEqual([status, code, reason]);
    expect(r.message).toMatch(words);
  });

  it('a domain error with input issues sends them with their paths', async () => {
    const r = await call('vmInput');
    expect([r.status, r.data.reason]).toEqual([400, 'vm-input']);
    expect(r.data.issues).toEqual([{ path: ['disks', 1], message: '/x does not exist' }]);
  });

  it('input parsing sends structured issues in plain words', async () => {
    const r = await call('input', { memoryMiB: 16, accel: 'xen' });
    expect(r.status).toBe(400);
    expect(r.data.issues).toEqual([
      { path: ['memoryMiB'], message: 'must be at least 64' },
      { path: ['accel'], message: 'must be one of "kvm", "tcg"' },
    ]);
    const missing = await call('input', { accel: 'kvm' });
    expect(missing.data.issues).toEqual([{ path: ['memoryMiB'], message: 'is required (a number)' }]);
  });
});
