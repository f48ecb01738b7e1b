// The AGX Orin devkit trees jetvm carries (server/host/sim/trees/README.md says where each came from).
import fs from 'node:fs';
import path from 'node:path';
import { projectDir } from '../project-dir';

export const L4T_RELEASES = ['r35', 'r36'] as const;
export type L4tRelease = (typeof L4T_RELEASES)[number];

// from the checkout's root, so it holds in the bundled server (dist/) too
const dir = path.join(projectDir, 'server/host/sim/trees');

export const DEVKIT_TREES: Record<L4tRelease, { file: string; release: string; jetpack: string }> = {
  r35: { file: path.join(dir, 'tegra234-p3701-0000-p3737-0000-r35.2.1.dtb'), release: 'L4T r35.2.1', jetpack: 'JetPack 5' },
  r36: { file: path.join(dir, 'tegra234-p3737-0000+p3701-0000-r36.4.2.dtb'), release: 'L4T r36.4.2', jetpack: 'JetPack 6' },
};

// files shipped in the checkout, read once: they never change while jetvm runs
const loaded = new Map<L4tRelease, Buffer>();

export function devkitTree(release: L4tRelease): Buffer {
  let b = loaded.get(release);
  if (!b) loaded.set(release, (b = fs.readFileSync(DEVKIT_TREES[release].file)));
  return b;
}

export function parseRelease(s: string | undefined, fallback: L4tRelease = 'r36'): L4tRelease {
  if (s === undefined || s === '') return fallback;
  if ((L4T_RELEASES as readonly string[]).includes(s)) return s as L4tRelease;
  throw new Error(`unknown L4T release ${JSON.stringify(s)}: use ${L4T_RELEASES.join(' or ')}`);
}
