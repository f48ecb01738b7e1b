// The composition root: two dashboards built in one process (as tests do) share no state, and the
// audit log announces its rows on its own dashboard's bus.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeServices, type ComposedServices } from './compose';
import { openHostAt } from './host';
import { unpackFixture } from './host/scan/fixtures';
import { loadConfig } from './config';
import { recordAudit, recordAuditCounted } from './db/audit';
import { COALESCE_MS, type ChangeEvent } from './events';

const dirs: string[] = [];
let a: ComposedServices;
let b: ComposedServices;

const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-compose-'));
  dirs.push(dir);
  return dir;
};
const configIn = (dir: string, mode: 'sim' | 'real' = 'sim') =>
  loadConfig({ JETVM_DATA_DIR: dir, JETVM_HOST: mode, JETVM_ADMIN_PASSWORD: 'compose-test-admin', JETVM_GUEST_CACHE: process.env.JETVM_GUEST_CACHE });

async function dashboard(): Promise<ComposedServices> {
  return composeServices(configIn(tempDir()));
}

/** The events `c` publishes while `act` runs (and a little after: delivery is asynchronous). */
async function heard(c: ComposedServices, act: () => void): Promise<ChangeEvent[]> {
  const seen: ChangeEvent[] = [];
  const ac = new AbortController();
  const listening = (async () => {
    for await (const e of c.services.events.changes(ac.signal)) seen.push(e);
  })();
  await new Promise((r) => setImmediate(r));
  act();
  await new Promise((r) => setTimeout(r, 50));
  ac.abort();
  await listening;
  return seen;
}

beforeAll(async () => {
  a = await dashboard();
  b = await dashboard();
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('composeServices', () => {
  it('builds every service, the VM supervisor included, and the first admin', () => {
    expect(a.services.vms.list().map((s) => s.name)).toEqual(expect.any(Array));
    expect(a.firstAdmin).toEqual({ name: 'admin', generatedPassword: null });
    expect(a.services.host.mode).toBe('sim');
  });

  it('an audit row is announced on its own dashboard only, inserted or counted', async () => {
    const entry = { actor: 'admin', remote: null, action: 'logout' as const, result: 'ok' as const };
    expect(await heard(a, () => recordAudit(a.services.db, entry))).toEqual([{ kind: 'audit' }]);
    expect(await heard(b, () => recordAudit(a.services.db, entry))).toEqual([]);
    // a counted row: inserted the first time, updated the second (both announced)
    const failed = { actor: 'x', remote: '192.0.2.9', action: 'login' as const, result: 'error' as const, detail: { reason: 'wrong' } };
    expect(await heard(b, () => recordAuditCounted(b.services.db, failed, 60_000))).toEqual([{ kind: 'audit' }]);
    await new Promise((r) => setTimeout(r, COALESCE_MS));
    expect(await heard(b, () => recordAuditCounted(b.services.db, failed, 60_000))).toEqual([{ kind: 'audit' }]);
  });

  it('a change, a session connection and a shell ticket stay with their dashboard', async () => {
    expect(await heard(b, () => a.services.events.publish({ kind: 'users' }))).toEqual([]);
    const ticket = a.services.shells.issueTicket('admin', 'token');
    expect(b.services.shells.redeemTicket(ticket, 'admin', 'token')).toBe(false);
    expect(a.services.shells.redeemTicket(ticket, 'admin', 'token')).toBe(true);
    const closed: string[] = [];
    a.services.connections.bind({ user: 'ann', sessionToken: 't', close: (r) => closed.push(r) });
    b.services.connections.endUserConnections('ann', 'elsewhere');
    expect(closed).toEqual([]);
    a.services.connections.endUserConnections('ann', 'logged out');
    expect(closed).toEqual(['logged out']);
  });

  it('a host given as an override is the one every service uses: preflight in real mode over a kernel-rig snapshot reads its /proc and /dev', async () => {
    const rig = unpackFixture('gpu', tempDir());
    const real = await composeServices(configIn(tempDir(), 'real'), { host: openHostAt(rig, 'real') });
    try {
      expect(real.services.host.root).toBe(rig);
      const { items } = await real.services.passthrough.passthrough.preflight(1024 ** 3);
      const item = (code: string) => items.find((i) => i.code === code);
      expect(item('kvm')).toMatchObject({ message: 'missing' });
      expect(item('memlock')).toMatchObject({ message: 'could not read /proc/self/limits' });
      expect(item('iommu-groups')).toMatchObject({ message: '3 group(s) in /sys/kernel/iommu_groups' });
    } finally {
      await real.close();
    }
  });
});
