// passthrough.simOverlay: the UI adds a controller's label to those already applied, so a second
// simulated reboot (another slot's overlay) does not take the first overlay away.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { openDb, type Db } from '../../db';
import { openSimHost } from '../../host';
import type { Services } from '../../services';
import { createCallerFactory, router } from '../trpc';
import { passthroughRouter } from './passthrough';

const makeCaller = createCallerFactory(router({ passthrough: passthroughRouter }));
let dir: string;
let db: Db;
let services: Services;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-pt-simoverlay-'));
  db = openDb(dir);
  const config = loadConfig({ JETVM_DATA_DIR: dir, JETVM_HOST: 'sim', JETVM_SIM_CARD: 't600' });
  services = { config, db, host: openSimHost(dir, 't600') } as Services;
});
afterAll(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const self = 'http://jetvm.test';
const as = (role: 'admin' | 'viewer') =>
  makeCaller({ services, user: { name: role, role } as never, req: { remote: '127.0.0.1', origin: self, selfOrigin: self, secure: false, sessionToken: null }, setCookie: () => {} }).passthrough;

describe('passthrough.simOverlay', () => {
  it('names the labels the simulated Orin booted with, for viewers too', async () => {
    expect(await as('viewer').simOverlay()).toEqual({ overlayLabels: [] });
    await as('admin').applyOverlayAndReboot({ labels: ['pcie_c5_rp'] });
    expect(await as('viewer').simOverlay()).toEqual({ overlayLabels: ['pcie_c5_rp'] });
    await as('admin').applyOverlayAndReboot({ labels: ['pcie_c1_rp', 'pcie_c5_rp'] });
    expect(await as('viewer').simOverlay()).toEqual({ overlayLabels: ['pcie_c1_rp', 'pcie_c5_rp'] });
  });

  it('is null on a real host, where jetvm does not know what the bootloader applied', async () => {
    const real = { ...services, host: { ...services.host, mode: 'real', sim: null } } as Services;
    const caller = makeCaller({ services: real, user: { name: 'v', role: 'viewer' } as never, req: { remote: null, origin: self, selfOrigin: self, secure: false, sessionToken: null }, setCookie: () => {} });
    expect(await caller.passthrough.simOverlay()).toEqual({ overlayLabels: null });
  });
});
