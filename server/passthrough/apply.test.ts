import { afterEach, describe, expect, it } from 'vitest';
import { applyPlan, type ApplyEvent } from './apply';
import { planPassthrough, planRelease } from './plan';
import { faultyHost, type FaultMode } from './testing/faulty-host';
import { simHostFromFixture, type TreeHost } from './testing/sim-host';
import { emptyContext } from './types';
import { asPciAddress } from '../../common/pci-address';

const GPU = ['0000:03:00.0', '0000:03:00.1'].map(asPciAddress);
const hosts: TreeHost[] = [];
const fresh = () => {
  const h = simHostFromFixture('gpu');
  hosts.push(h);
  return h;
};
afterEach(() => hosts.splice(0).forEach((h) => h.dispose()));

function state(h: TreeHost) {
  const s = h.scan();
  return {
    devices: Object.fromEntries(s.devices.map((d) => [d.address, `${d.driver ?? '-'} ${d.driverOverride ?? '(null)'} ${d.iommuGroup ?? '-'}`])),
    vfio: s.vfio.groupNodes,
  };
}

async function bound(h: TreeHost) {
  const out = await applyPlan(h, planPassthrough(h.scan(), GPU[0], emptyContext));
  expect(out.ok).toBe(true);
}

describe('apply through the simulated kernel (seeded from the rig snapshot)', () => {
  it('binds the whole group, reports every write, and verifies by re-scanning', async () => {
    const h = fresh();
    const before = state(h);
    const events: ApplyEvent[] = [];
    const out = await applyPlan(h, planPassthrough(h.scan(), GPU[1], emptyContext), (e) => events.push(e));
    expect(out.ok).toBe(true);
    expect(out.failure).toBeNull();
    expect(out.steps.map((s) => s.result.ok)).toEqual([true, true, true, true, true, true]);
    expect(events.map((e) => e.type)).toEqual(['start', 'write', 'write', 'write', 'write', 'write', 'write', 'verify', 'done']);
    const after = state(h);
    expect(after.devices['0000:03:00.0']).toBe('vfio-pci vfio-pci 2');
    expect(after.devices['0000:03:00.1']).toBe('vfio-pci vfio-pci 2');
    expect(after.devices['0000:00:05.0']).toBe(before.devices['0000:00:05.0']);
    expect(after.vfio).toEqual([2]);
  });

  it('gives the group back to its host drivers', async () => {
    const h = fresh();
    const before = state(h);
    await bound(h);
    const out = await applyPlan(h, planRelease(h.scan(), GPU[0], emptyContext));
    expect(out.ok).toBe(true);
    expect(state(h)).toEqual(before);
  });

  it('refuses a refused plan without writing anything', async () => {
    const h = faultyHost(fresh(), 99);
    const plan = planPassthrough(h.scan(), GPU[0], { vmClaims: [{ vm: 'g', devices: [GPU[1]] }], dashboardInterfaces: [] });
    await expect(applyPlan(h, plan)).rejects.toThrow(/running VM "g"/);
    expect(h.asked).toEqual([]);
  });

  const modes: Array<[FaultMode, RegExp]> = [
    ['errno', /EIO: Input\/output error/],
    ['kernel-reject', /ENODEV: No such device/],
  ];
  describe.each(modes)('a write failing (%s) at every step rolls back to the original drivers', (mode, text) => {
    it.each([1, 2, 3, 4, 5, 6])('bind, step %i', async (k) => {
      const inner = fresh();
      const before = state(inner);
      const h = faultyHost(inner, k, mode);
      const events: ApplyEvent[] = [];
      const out = await applyPlan(h, planPassthrough(h.scan(), GPU[0], emptyContext), (e) => events.push(e));
      expect(out.ok).toBe(false);
      expect(out.failure?.step).toBe(k);
      expect(out.failure?.message).toMatch(text);
      expect(out.steps).toHaveLength(k);
      expect(out.rollback?.verification).toEqual({ ok: true, problems: [] });
      expect(events.filter((e) => e.type === 'rollback')).toHaveLength(1);
      expect(state(inner)).toEqual(before);
    });

    it.each([1, 2, 3, 4, 5, 6])('release, step %i', async (k) => {
      const inner = fresh();
      await bound(inner);
      const before = state(inner);
      const h = faultyHost(inner, k, mode);
      const out = await applyPlan(h, planRelease(h.scan(), GPU[0], emptyContext));
      expect(out.ok).toBe(false);
      expect(out.failure?.step).toBe(k);
      expect(out.rollback?.verification.ok).toBe(true);
      expect(state(inner)).toEqual(before);
    });
  });

  it('a write the kernel "accepted" without effect fails verification and is rolled back', async () => {
    const inner = fresh();
    const before = state(inner);
    const out = await applyPlan(faultyHost(inner, 6, 'silent'), planPassthrough(inner.scan(), GPU[0], emptyContext));
    expect(out.ok).toBe(false);
    expect(out.failure).toMatchObject({ step: null, message: expect.stringMatching(/0000:03:00\.1 is on no driver, expected vfio-pci/) });
    expect(out.rollback?.verification.ok).toBe(true);
    expect(state(inner)).toEqual(before);
  });

  // nesting: the outer wrapper fails write 3 without forwarding it, so the inner one counts one write fewer
  it('a rollback write that fails too is reported, and the rest of the rollback still runs', async () => {
    const inner = fresh();
    const h = faultyHost(faultyHost(inner, 3), 3); // apply step 3 fails, then the 1st rollback write (clear the override)
    const out = await applyPlan(h, planPassthrough(inner.scan(), GPU[0], emptyContext));
    expect(out.failure?.step).toBe(3);
    expect(out.rollback!.steps[0].write.path).toBe('sys/bus/pci/devices/0000:03:00.0/driver_override');
    expect(out.rollback!.steps[0].result.ok).toBe(false);
    expect(out.rollback!.steps.length).toBeGreaterThan(1);
    expect(out.rollback!.verification.ok).toBe(false);
    expect(out.rollback!.verification.problems.join()).toMatch(/0000:03:00\.0 .*was on bochs-drm/);
  });

  it('when the rollback probe fails, the original driver is bound by name', async () => {
    const inner = fresh();
    const before = state(inner);
    const h = faultyHost(faultyHost(inner, 4), 3); // apply step 3 fails, then the rollback's probe
    const out = await applyPlan(h, planPassthrough(inner.scan(), GPU[0], emptyContext));
    expect(out.rollback!.steps.map((s) => [s.write.path, s.result.ok])).toEqual([
      ['sys/bus/pci/devices/0000:03:00.0/driver_override', true],
      ['sys/bus/pci/drivers_probe', false],
      ['sys/bus/pci/drivers/bochs-drm/bind', true],
    ]);
    expect(out.rollback!.verification.ok).toBe(true);
    expect(state(inner)).toEqual(before);
  });
});
