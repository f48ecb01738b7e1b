// A Host over a sysfs-shaped temp tree driven by the simulated kernel (server/host/sim/kernel.ts):
// seeded from a kernel-rig snapshot, so the planner and the apply engine meet the same tree the rig had.
import fs from 'node:fs';
import type { Host } from '../../host/host';
import { scanHost } from '../../host/scan';
import { unpackFixture, type FixtureName } from '../../host/scan/fixtures';
import { SimKernel } from '../../host/sim/kernel';
import { performWrite } from '../../host/write';

export interface TreeHost extends Host {
  dispose(): void;
}

export function hostOnTree(root: string): TreeHost {
  const kernel = new SimKernel(root);
  return {
    mode: 'sim',
    root,
    sim: null,
    scan: () => scanHost(root),
    write: (path, value) => performWrite((p, data) => kernel.write(p, data), 'sim', root, path, value),
    dispose: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

export function simHostFromFixture(name: FixtureName = 'gpu'): TreeHost {
  return hostOnTree(unpackFixture(name));
}
