// The simulated kernel against the real one: the same write sequences run in ONE boot of the
// kernel rig (which first snapshots its sysfs) and on the simulated kernel seeded from that very
// snapshot; drivers, overrides, groups, driver links, /dev/vfio and every write's errno must agree.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAPTURE_SCRIPT, runRig } from '../../../tests/rig/runner';
import { replayOnSim, type SimRun } from './replay';
import { buildRigScript, parseRigOutput, type RigRun } from './rig-script';
import { GPU, GPU_AUDIO, HOST_BRIDGE, NIC, NIC2, NVME, SEQUENCES, expandSequences } from './sequences';
import { summarize } from './state';

const steps = expandSequences();
const labels = SEQUENCES.flatMap((s) => s.steps.flatMap((st) => (st.kind === 'dump' ? [st.label] : [])));

describe('simulated kernel = real kernel (kernel rig)', () => {
  let rig: RigRun;
  let sim: SimRun;
  let tmp: string;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-conformance-'));
    const script = buildRigScript(fs.readFileSync(CAPTURE_SCRIPT, 'utf8'), steps);
    const out = runRig(script, 'conformance');
    fs.writeFileSync(path.join(tmp, 'rig-output.txt'), out);
    rig = parseRigOutput(out);
    const root = path.join(tmp, 'snapshot');
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(tmp, 'snapshot.tar.gz'), rig.snapshot);
    execFileSync('tar', ['xzf', path.join(tmp, 'snapshot.tar.gz'), '-C', root]);
    sim = replayOnSim(root, steps);
    for (const label of labels) {
      console.log(`${label}\n  rig: ${summarize(rig.dumps[label])}\n  sim: ${summarize(sim.dumps[label])}`);
    }
  }, 600_000);
  afterAll(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

  it('the rig ran every step and printed every state', () => {
    expect(rig.done).toBe(true);
    expect(Object.keys(rig.dumps).sort()).toEqual([...labels].sort());
    expect(rig.writes.size).toBe(steps.filter((s) => s.step.kind === 'write').length);
  });

  it('the rig shows the measured kernel facts (so the comparison cannot pass on two identical mistakes)', () => {
    expect(rig.dumps['bind-one-function'].devices[GPU].driver).toBe('vfio-pci');
    expect(rig.dumps['bind-one-function'].devices[GPU_AUDIO].driver).toBe('snd_hda_intel');
    expect(rig.dumps['bind-one-function'].vfio).toContain(rig.dumps.initial.devices[GPU].group);
    expect(rig.dumps['release-group'].devices[GPU].driver).toBe('bochs-drm');
    expect(rig.dumps['release-group'].vfio).toEqual(['vfio']);
    expect(rig.dumps['override-garbage'].devices[NVME]).toMatchObject({ driver: '-', override: 'not-a-driver' });
    expect(rig.dumps['new-id'].devices[NIC].driver).toBe('vfio-pci');
    expect(rig.dumps['new-id'].devices[NIC2].driver).toBe('vfio-pci');
    expect(rig.dumps.initial.devices[HOST_BRIDGE].group).toBe('-');
    const own = SEQUENCES.find((s) => s.name === 'errors')!.steps;
    const errors = steps.map((s, i) => ({ ...s, i })).filter((s) => own.includes(s.step) && s.step.kind === 'write');
    expect(errors.map((s) => rig.writes.get(s.i)?.errno)).toEqual(['ENODEV', 'ENODEV', 'ENODEV', 'EBUSY', 'EEXIST', 'EINVAL', 'ENODEV']);
  });

  it.each(labels)('state after %s: drivers, overrides, groups, driver links and /dev/vfio agree', (label) => {
    expect(sim.dumps[label]).toEqual(rig.dumps[label]);
  });

  it.each(SEQUENCES.map((s) => [s.name]))('every write of %s succeeds or fails alike, with the same errno', (name) => {
    const mine = steps.map((s, i) => ({ ...s, i })).filter((s) => s.sequence === name && s.step.kind === 'write');
    const got = mine.map((s) => ({ i: s.i, step: s.step, ...pick(sim.writes.get(s.i)) }));
    const want = mine.map((s) => ({ i: s.i, step: s.step, ...pick(rig.writes.get(s.i)) }));
    expect(got).toEqual(want);
  });
});

function pick(w: { outcome: string; errno?: string } | undefined) {
  return { outcome: w?.outcome, errno: w?.errno };
}
