// The overview/power procedures through tRPC's caller: real SQLite, the simulated Orin, role and input checks.
import { describe, expect, it } from 'vitest';
import { listAudit } from '../../db/audit';
import { contextFor, useSimServices } from '../testing/sim-services';
import { hostRouter } from './host';
import { powerRouter } from './power';
import { createCallerFactory, router } from '../trpc';

const makeCaller = createCallerFactory(router({ host: hostRouter, power: powerRouter }));
const services = useSimServices('p1000');
const as = (role: 'admin' | 'viewer' | null) => makeCaller(contextFor(services(), role));

const gauge = async () => (await as('viewer').host.overview()).slots.find((s) => s.id === 'x8')!.power!;

describe('host.overview / power', () => {
  it('shows the P1000 over budget until an admin enters another figure, and back after clearing it', async () => {
    expect((await gauge()).verdict).toMatchObject({ tone: 'bad', watts: 47 });

    const seen: string[] = [];
    const ac = new AbortController();
    const listening = (async () => {
      for await (const e of services().events.changes(ac.signal)) if (e.kind === 'host') seen.push(e.reason);
    })().catch(() => {});
    const stored = await as('admin').power.setCardWatts({ vendorDevice: '10DE:1CB1', watts: 35, note: 'measured' });
    expect(stored).toMatchObject({ vendorDevice: '10de:1cb1', watts: 35, origin: 'user' });
    expect((await gauge()).verdict).toMatchObject({ tone: 'warn', watts: 35 });
    expect(listAudit(services().db, 5)[0]).toMatchObject({ action: 'power.set-card-watts', actor: 'admin', target: '10de:1cb1', result: 'ok', detail: { watts: 35, before: null } });

    await as('admin').power.clearCardWatts({ vendorDevice: '10de:1cb1' });
    expect((await gauge()).verdict).toMatchObject({ tone: 'bad', watts: 47 });
    expect(listAudit(services().db, 1)[0]).toMatchObject({ action: 'power.clear-card-watts', detail: { before: 35 } });
    ac.abort();
    await listening;
    expect(seen).toEqual(['card power of 10de:1cb1 set to 35 W', 'card power of 10de:1cb1 cleared']);
  });

  it.each([
    [{ vendorDevice: '10de:1cb1', watts: 0 }, /at least 1 W/],
    [{ vendorDevice: '10de:1cb1', watts: 601 }, /600 W/],
    [{ vendorDevice: 'nvidia', watts: 40 }, /vendor:device/],
  ])('refuses bad input %j and changes nothing', async (input, message) => {
    const auditBefore = listAudit(services().db, 1)[0]?.id;
    await expect(as('admin').power.setCardWatts(input)).rejects.toThrow(message);
    expect((await as('viewer').power.list()).user).toEqual([]);
    expect(listAudit(services().db, 1)[0]?.id).toBe(auditBefore);
  });

  it('lets only an admin store a figure, and nobody without a session read the overview', async () => {
    await expect(as('viewer').power.setCardWatts({ vendorDevice: '10de:1cb1', watts: 30 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as(null).host.overview()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await as('viewer').power.list()).user).toEqual([]);
  });

  it('clearing a figure that was never stored is a clear 404', async () => {
    await expect(as('admin').power.clearCardWatts({ vendorDevice: '10de:1ff2' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('host.device', () => {
  it('returns the GPU with its BARs', async () => {
    const v = await as('viewer').host.device({ address: '0005:01:00.0' });
    expect(v.bars.map((b) => b.label)).toEqual(['BAR0', 'BAR1', 'BAR3', 'BAR5', 'ROM']);
    expect(v.summary.vendorDevice).toBe('10de:1cb1');
  });

  it.each([['not-an-address'], ['0005:01:00.9'], ['../../etc/passwd']])('a malformed address (%s) is a 400', async (address) => {
    await expect(as('viewer').host.device({ address })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('an unknown address is a 404 with plain words', async () => {
    await expect(as('viewer').host.device({ address: '0009:01:00.0' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'no such device: this host has no PCI device 0009:01:00.0' });
  });
});
