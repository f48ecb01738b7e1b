import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Test support: the sysfs snapshots (tar.gz) taken with the kernel rig (tests/fixtures/README.md), unpacked into temp dirs. */
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export const FIXTURES = {
  /** topology `gpu` (root ports with e1000e, nvme, VGA + HDA), all bound */
  gpu: { tarball: path.join(repo, 'tests/fixtures/rig-gpu-sysfs.tar.gz'), lspci: path.join(repo, 'tests/fixtures/rig-gpu-lspci-vnnk.txt') },
  /** devices without drivers (no IOMMU group), bridges, a multifunction slot */
  nodriver: { tarball: path.join(repo, 'tests/fixtures/rig-nodriver-sysfs.tar.gz'), lspci: path.join(repo, 'tests/fixtures/rig-nodriver-lspci-vnnkD.txt') },
  /** a 4 GiB 64-bit prefetchable BAR (ivshmem), a 64 MiB VGA BAR, nvme */
  bigbar: { tarball: path.join(repo, 'tests/fixtures/rig-bigbar-sysfs.tar.gz'), lspci: path.join(repo, 'tests/fixtures/rig-bigbar-lspci-vnnkD.txt') },
} as const;

export type FixtureName = keyof typeof FIXTURES;

export function makeTempDir(prefix = 'jetvm-scan-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Unpacks a fixture into a fresh temp dir (or `into`) and returns the tree's root. */
export function unpackFixture(name: FixtureName, into = makeTempDir()): string {
  fs.mkdirSync(into, { recursive: true });
  execFileSync('tar', ['-xzf', FIXTURES[name].tarball, '-C', into]);
  return into;
}

/** Runs the system's lspci on a tree, the way the agreement tests and the benchmark do. */
export function lspciOnTree(root: string, args = ['-D', '-vnnk']): string {
  return execFileSync('lspci', ['-A', 'linux-sysfs', '-O', `sysfs.path=${path.join(root, 'sys/bus/pci')}`, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
}
