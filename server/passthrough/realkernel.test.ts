// The planner's plan for the rig's GPU group, replayed inside a real kernel (tests/rig), must end
// in the same state as the same writes through the simulated kernel seeded from the rig's snapshot; and a
// fault at each step must roll back to the original drivers in both. One rig boot runs every sequence.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRig } from '../../tests/rig/runner';
import type { Host } from '../host/host';
import type { WriteResult } from '../host/types';
import { applyPlan } from './apply';
import { planPassthrough, planRelease } from './plan';
import { faultyHost } from './testing/faulty-host';
import { parseRigOutput, RIG_PRELUDE, rigWrite, type RigSequence } from './testing/rig-replay';
import { simHostFromFixture, type TreeHost } from './testing/sim-host';
import { emptyContext } from './types';

const TARGET = '0000:03:00.0';
const ORIGINAL = { '0000:03:00.0': 'bochs-drm (null) 2', '0000:03:00.1': 'snd_hda_intel (null) 2', '0000:00:05.0': 'pcieport (null) 2' };

interface SimSequence {
  name: string;
  /** every write that reached the simulated kernel, with its answer */
  writes: WriteResult[];
  devices: Record<string, string>;
  vfioGroups: number[];
}

function recording(inner: Host, log: WriteResult[]): Host {
  return { ...inner, scan: () => inner.scan(), write: (p, v) => { const r = inner.write(p, v); log.push(r); return r; } };
}

function simState(h: Host): Pick<SimSequence, 'devices' | 'vfioGroups'> {
  const s = h.scan();
  return {
    devices: Object.fromEntries(s.devices.map((d) => [d.address, `${d.driver ?? '-'} ${d.driverOverride ?? '(null)'} ${d.iommuGroup ?? '-'}`])),
    vfioGroups: [...s.vfio.groupNodes].sort((a, b) => a - b),
  };
}

let sim: TreeHost;
const simSeqs: SimSequence[] = [];
let rigSeqs: RigSequence[] = [];
let bindSteps = 0;

beforeAll(async () => {
  sim = simHostFromFixture('gpu');
  simSeqs.push({ name: 'initial', writes: [], ...simState(sim) });

  const run = async (name: string, plan: (h: Host) => ReturnType<typeof planPassthrough>, wrap: (h: Host) => Host = (h) => h) => {
    const log: WriteResult[] = [];
    const host = wrap(recording(sim, log));
    const outcome = await applyPlan(host, plan(host));
    simSeqs.push({ name, writes: log, ...simState(sim) });
    return outcome;
  };
  const bind = (h: Host) => planPassthrough(h.scan(), TARGET, emptyContext);
  bindSteps = bind(sim).writes.length;

  expect((await run('apply', bind)).ok).toBe(true);
  expect((await run('release', (h) => planRelease(h.scan(), TARGET, emptyContext))).ok).toBe(true);
  for (let k = 1; k <= bindSteps; k++) {
    const out = await run(`fault-${k}`, bind, (h) => faultyHost(h, k, 'kernel-reject'));
    expect(out.failure?.step).toBe(k);
  }

  const script = [RIG_PRELUDE, 'echo "@@SEQ initial"', 'state'];
  for (const s of simSeqs.slice(1)) {
    script.push(`echo "@@SEQ ${s.name}"`, ...s.writes.map((w) => rigWrite(w.path, w.value)), 'state');
    if (s.name === 'apply') script.push('vfioprobe /dev/vfio/2');
  }
  rigSeqs = parseRigOutput(runRig(script.join('\n') + '\n'));
}, 600_000);

afterAll(() => sim?.dispose());

describe('real kernel (rig) and simulated kernel agree on the GPU group', () => {
  it('ran every sequence in the rig', () => {
    expect(bindSteps).toBe(6);
    expect(rigSeqs.map((s) => s.name)).toEqual(simSeqs.map((s) => s.name));
  });

  it('starts from the same state (the rig snapshot the simulator was seeded with)', () => {
    expect(rigSeqs[0].devices).toEqual(simSeqs[0].devices);
    expect(rigSeqs[0].devices).toMatchObject(ORIGINAL);
  });

  it('the plan applied in the rig binds both functions to vfio-pci, makes /dev/vfio/2 and the group viable', () => {
    const rig = rigSeqs.find((s) => s.name === 'apply')!;
    expect(rig.writes.every((w) => w.ok)).toBe(true);
    expect(rig.devices).toMatchObject({ '0000:03:00.0': 'vfio-pci vfio-pci 2', '0000:03:00.1': 'vfio-pci vfio-pci 2', '0000:00:05.0': 'pcieport (null) 2' });
    expect(rig.vfioGroups).toEqual([2]);
    expect(rig.output.join('\n')).toMatch(/PROBE \/dev\/vfio\/2 viable=1/);
  });

  it('release gives both functions back to their host drivers', () => {
    const rig = rigSeqs.find((s) => s.name === 'release')!;
    expect(rig.writes.every((w) => w.ok)).toBe(true);
    expect(rig.devices).toEqual(rigSeqs[0].devices);
  });

  it.each(['apply', 'release', 'fault-1', 'fault-2', 'fault-3', 'fault-4', 'fault-5', 'fault-6'])('%s: every write gets the same answer and ends in the same state', (name) => {
    const rig = rigSeqs.find((s) => s.name === name)!;
    const simSeq = simSeqs.find((s) => s.name === name)!;
    expect(rig.writes).toEqual(simSeq.writes.map((w) => ({ ok: w.ok, message: w.ok ? null : (w.message ?? null) })));
    expect(rig.devices).toEqual(simSeq.devices);
    expect(rig.vfioGroups).toEqual(simSeq.vfioGroups);
  });

  it.each([1, 2, 3, 4, 5, 6])('fault at step %i: the kernel rejects it and the rollback restores the original drivers', (k) => {
    const rig = rigSeqs.find((s) => s.name === `fault-${k}`)!;
    expect(rig.writes[k - 1]).toEqual({ ok: false, message: 'No such device' });
    expect(rig.writes.slice(0, k - 1).every((w) => w.ok)).toBe(true);
    expect(rig.devices).toEqual(rigSeqs[0].devices);
    expect(rig.vfioGroups).toEqual([]);
  });
});
