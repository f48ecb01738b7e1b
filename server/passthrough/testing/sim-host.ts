// A sim-mode Host (openHostAt: the simulated kernel) over a temp copy of a kernel-rig snapshot,
// so the planner and the apply engine meet the same tree the rig had.
import fs from 'node:fs';
import type { Host } from '../../host/host';
import { openHostAt } from '../../host';
import { unpackFixture, type FixtureName } from '../../host/scan/fixtures';

export interface TreeHost extends Host {
  dispose(): void;
}

export function simHostFromFixture(name: FixtureName = 'gpu'): TreeHost {
  const root = unpackFixture(name);
  const host = openHostAt(root, 'sim');
  return Object.assign(Object.create(null), host, { dispose: () => fs.rmSync(root, { recursive: true, force: true }) }) as TreeHost;
}
