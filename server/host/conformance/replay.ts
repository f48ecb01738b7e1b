// Applies the expanded sequences to the simulated kernel, the same steps the rig script runs.
import { SimKernel } from '../sim/kernel';
import { Tree } from '../sim/tree';
import type { Step } from './sequences';
import { dumpTree, type KernelDump, type WriteOutcome } from './state';

export interface SimRun {
  writes: Map<number, Pick<WriteOutcome, 'outcome' | 'errno' | 'text'>>;
  dumps: Record<string, KernelDump>;
}

export function replayOnSim(root: string, steps: { step: Step }[]): SimRun {
  const kernel = new SimKernel(root);
  const tree = new Tree(root);
  const run: SimRun = { writes: new Map(), dumps: {} };
  steps.forEach(({ step }, i) => {
    if (step.kind === 'dump') {
      run.dumps[step.label] = dumpTree(root);
      return;
    }
    if (step.onlyIfExists && tree.real(step.onlyIfExists) === null) {
      run.writes.set(i, { outcome: 'skipped' });
      return;
    }
    const r = kernel.write(step.path, `${step.value}\n`);
    run.writes.set(i, r.ok ? { outcome: 'ok' } : { outcome: 'failed', errno: r.errno, text: r.message });
  });
  return run;
}
