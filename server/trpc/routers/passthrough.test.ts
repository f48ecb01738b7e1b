// The passthrough procedures through tRPC's caller: real SQLite, the simulated Orin, roles, input checks.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listAudit } from '../../db/audit';
import { contextFor, useSimServices } from '../testing/sim-services';
import { createCallerFactory, router } from '../trpc';
import { passthroughRouter } from './passthrough';

const makeCaller = createCallerFactory(router({ passthrough: passthroughRouter }));
const services = useSimServices('t600');
const as = (role: 'admin' | 'viewer', origin?: string) => makeCaller(contextFor(services(), role, origin)).passthrough;

describe('passthrough router', () => {
  it('plans for viewers; refuses bad input, viewers changing things, and cross-origin changes', async () => {
    const plan = await as('viewer').plan({ address: '0005:01:00.0' });
    expect(plan.refusals[0]).toMatchObject({ code: 'platform-in-group', overlay: { platformDevice: '141a0000.pcie', controller: 'C5' } });
    await expect(as('viewer').plan({ address: '5:1:0.0' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(as('viewer').bind({ address: '0005:01:00.0' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as('admin', 'http://evil.test').bind({ address: '0005:01:00.0' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as('admin').bind({ address: '0005:01:00.0' })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED', message: expect.stringMatching(/141a0000\.pcie/) });
  });

  it('overlay, simulated reboot, apply with progress, release', async () => {
    const overlay = await as('viewer').overlayFor({ address: '0005:01:00.0' });
    expect(overlay?.targets.map((t) => [t.platformDevice, t.ref])).toEqual([['141a0000.pcie', '&{/bus@0/pcie@141a0000}']]);
    expect(overlay?.check?.ok).toBe(true);
    await expect(as('viewer').overlay({ controllers: ['pcie_c5_rp'] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(as('viewer').overlay({ controllers: ['15000000.pcie'] })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/no node for 15000000\.pcie/) });
    await expect(as('admin').applyOverlayAndReboot({ controllers: ['nope-'] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await as('admin').applyOverlayAndReboot({ controllers: overlay!.targets.map((t) => t.platformDevice) })).toEqual({ controllers: ['141a0000.pcie'] });

    const plan = await as('viewer').plan({ address: '0005:01:00.0' });
    const events: string[] = [];
    const sub = await as('viewer').progress({ operationId: 'op-router-1' });
    const following = (async () => {
      for await (const e of sub) events.push(e.type);
    })();
    const outcome = await as('admin').bind({ address: '0005:01:00.0', confirmedWrites: plan.writes, operationId: 'op-router-1' });
    await following;
    expect(outcome.ok).toBe(true);
    expect(events.at(0)).toBe('start');
    expect(events.at(-1)).toBe('done');
    await expect(as('admin').bind({ address: '0005:01:00.0', confirmedWrites: plan.writes })).rejects.toMatchObject({ code: 'CONFLICT' });

    expect((await as('admin').release({ address: '0005:01:00.1' })).ok).toBe(true);
    expect(listAudit(services().db, 10).map((r) => [r.action, r.result])).toEqual([
      ['passthrough.release', 'ok'],
      ['passthrough.apply', 'refused'],
      ['passthrough.apply', 'ok'],
      ['passthrough.overlay-reboot', 'ok'],
      ['passthrough.apply', 'refused'],
    ]);
  });

  it('bind at boot and preflight', async () => {
    const preview = await as('viewer').bootPreview({ address: '0005:01:00.0' });
    expect(preview.files[0].content).toContain('KERNEL=="0005:01:00.0"');
    await expect(as('admin').bootAdd({ address: '0005:01:00.0', writeToSystem: true })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
    const added = await as('admin').bootAdd({ address: '0005:01:00.0' });
    expect(added.written.every((p) => p.startsWith(path.join(services().config.dataDir, 'boot') + path.sep))).toBe(true);
    expect((await as('viewer').bootConfig()).devices).toHaveLength(2);
    expect((await as('admin').bootRemove({})).removal.removed).toHaveLength(2);

    const pf = await as('viewer').preflight();
    expect(pf.items.map((i) => i.code)).toContain('unsafe-interrupts');
    // no figure named: the largest VM passing devices through (the demo, 256 MiB) is what the memlock check assumes
    expect(pf.guestRam).toEqual({ mib: 256, vm: 'demo' });
    expect(pf.items.find((i) => i.code === 'memlock')?.message).toContain('guest RAM 256 MiB');
    const named = await as('viewer').preflight({ guestRamMiB: 2048 });
    expect(named.guestRam).toEqual({ mib: 2048, vm: null });
    expect(named.items.find((i) => i.code === 'memlock')?.message).toContain('guest RAM 2.0 GiB');
    await expect(as('viewer').preflight({ guestRamMiB: 63 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
