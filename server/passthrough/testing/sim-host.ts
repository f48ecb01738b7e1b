// A sim-mode Host (openHostAt: the simulated kernel) over a temp copy of a kernel-rig snapshot,
// so the planner and the apply engine meet the same tree the rig had.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Host } from '../../host/host';
import { openHostAt } from '../../host';
import { unpackFixture, type FixtureName } from '../../host/scan/fixtures';

export interface TreeHost extends Host {
  dispose(): void;
}

// unpack the tarball once per process; `cp -a` of the tree (relative symlinks kept) is quicker than tar per test
const templates = new Map<FixtureName, string>();
process.once('exit', () => templates.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

export function simHostFromFixture(name: FixtureName = 'gpu'): TreeHost {
  let template = templates.get(name);
  if (!template) templates.set(name, (template = unpackFixture(name)));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-pt-sim-'));
  execFileSync('cp', ['-a', `${template}/.`, root]);
  const host = openHostAt(root, 'sim');
  return Object.assign(Object.create(null), host, { dispose: () => fs.rmSync(root, { recursive: true, force: true }) }) as TreeHost;
}
