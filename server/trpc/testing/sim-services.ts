// Test scaffolding for calling routers directly: the dashboard's own service graph (composeServices)
// over a temp data dir with a real SQLite file and the simulated Orin, and a tRPC context for a user
// of a given role.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { composeServices, type ComposedServices } from '../../compose';
import { loadConfig } from '../../config';
import type { Role } from '../../auth/users';
import type { Services } from '../../services';
import type { Context } from '../trpc';

export const TEST_ORIGIN = 'http://jetvm.test';

export interface SimServicesOptions {
  /** runs before the services are built (e.g. building the demo guest, so the demo VMs are made) */
  prepare?: () => void;
  /** gets the composed graph once built (what the VM area did at start) */
  composed?: (c: ComposedServices) => void;
  /** runs before the services are closed */
  cleanup?: () => Promise<void> | void;
}

/** Registers beforeAll/afterAll that build the Services on the simulated Orin with `card` in the x8 slot. */
export function useSimServices(card: string, opts: SimServicesOptions = {}): () => Services {
  let dir: string;
  let composed: ComposedServices;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-router-test-'));
    opts.prepare?.();
    const config = loadConfig({ JETVM_DATA_DIR: dir, JETVM_HOST: 'sim', JETVM_SIM_CARD: card, JETVM_ADMIN_PASSWORD: 'router-test-admin', JETVM_GUEST_CACHE: process.env.JETVM_GUEST_CACHE });
    composed = await composeServices(config);
    opts.composed?.(composed);
  });
  afterAll(async () => {
    await opts.cleanup?.();
    await composed?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => composed.services;
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
