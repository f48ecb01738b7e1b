// Test scaffolding for calling routers directly: a temp data dir with a real SQLite file and the
// simulated Orin, and a tRPC context for a user of a given role.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '../../config';
import { openDb } from '../../db';
import { openSimHost } from '../../host';
import { createPassthroughServices } from '../../passthrough/index';
import { accountLimiterFor, LoginLimiter } from '../../auth/rate-limit';
import type { Role } from '../../auth/users';
import type { Services } from '../../services';
import type { Context } from '../trpc';

export const TEST_ORIGIN = 'http://jetvm.test';

/**
 * Registers beforeAll/afterAll that build Services on the simulated Orin with `card` in the x8 slot.
 * `extend` adds what a router needs beyond config, db and host (e.g. the VM supervisor).
 */
export function useSimServices(card: string, extend?: (base: Services) => Promise<Partial<Services>> | Partial<Services>, cleanup?: () => Promise<void> | void): () => Services {
  let dir: string;
  let services: Services;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-router-test-'));
    const config = loadConfig({ JETVM_DATA_DIR: dir, JETVM_HOST: 'sim', JETVM_SIM_CARD: card, JETVM_GUEST_CACHE: process.env.JETVM_GUEST_CACHE });
    const db = openDb(dir);
    const host = openSimHost(dir, card);
    services = { config, db, host, passthrough: createPassthroughServices({ config, db, host }), loginLimiter: new LoginLimiter(), accountLimiter: accountLimiterFor(30_000) } as Services;
    if (extend) Object.assign(services, await extend(services));
  });
  afterAll(async () => {
    await cleanup?.();
    services.db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => services;
}

/** A request context for `role` (null: not logged in), from `origin` (default: our own). */
export function contextFor(services: Services, role: Role | null, origin = TEST_ORIGIN): Context {
  return {
    services,
    user: role ? { name: role === 'admin' ? 'admin' : 'ann', role } : null,
    req: { remote: '127.0.0.1', origin, selfOrigin: TEST_ORIGIN, secure: false, sessionToken: null },
    setCookie: () => {},
  };
}
