// Finds and runs the kernel rig (shared/kernel-rig/rig.sh): a real arm64 kernel under QEMU.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REPO = path.resolve(__dirname, '../../..');

/** JETVM_KERNEL_RIG, else ../shared/kernel-rig beside the repository (where CI clones it). */
export function rigDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.JETVM_KERNEL_RIG || path.join(REPO, '../shared/kernel-rig'));
}

export function hasQemu(): boolean {
  return spawnSync('sh', ['-c', 'command -v qemu-system-aarch64'], { stdio: 'ignore' }).status === 0;
}

/** Runs a busybox script in the rig's guest with the given topology file; returns what it printed. */
export function runRig(script: string, topologyFile: string, dir = rigDir()): string {
  const rig = path.join(dir, 'rig.sh');
  if (!fs.existsSync(rig)) throw new Error(`kernel rig not found at ${rig} (set JETVM_KERNEL_RIG)`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-rig-'));
  try {
    const file = path.join(tmp, 'script.sh');
    fs.writeFileSync(file, script);
    // a loaded 2-core CI machine can make the emulated guest slow: give QEMU room (rig default 120 s)
    const env = { ...process.env, RIG_TIMEOUT: process.env.RIG_TIMEOUT ?? '480' };
    return execFileSync(rig, ['run', '-t', topologyFile, file], { encoding: 'utf8', env, maxBuffer: 64 << 20, timeout: 540_000, stdio: ['ignore', 'pipe', 'pipe'] });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
