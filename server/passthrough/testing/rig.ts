// The kernel rig (shared/kernel-rig): a real arm64 kernel with IOMMU + vfio-pci under QEMU.
// Located at ../shared/kernel-rig from the repo root, or JETVM_KERNEL_RIG.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { shellQuote } from '../shell';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
export const RIG_GPU_TOPOLOGY = path.join(here, 'rig-gpu-topology.txt');

export function locateRig(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.JETVM_KERNEL_RIG ? path.resolve(env.JETVM_KERNEL_RIG) : path.resolve(repoRoot, '../shared/kernel-rig');
  if (!fs.existsSync(path.join(dir, 'rig.sh'))) throw new Error(`kernel rig not found at ${dir} (set JETVM_KERNEL_RIG to the directory holding rig.sh)`);
  return dir;
}

/** Boots the rig once, runs the busybox script, returns what it printed. */
export function runRig(script: string, topology = RIG_GPU_TOPOLOGY): string {
  const rig = locateRig();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-rig-'));
  try {
    const file = path.join(dir, 'script.sh');
    fs.writeFileSync(file, script);
    return execFileSync(path.join(rig, 'rig.sh'), ['run', '-t', topology, file], { encoding: 'utf8', timeout: 180_000, stdio: ['ignore', 'pipe', 'pipe'] });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Shell functions the replay script uses: w (one write, reporting the kernel's answer) and state. */
export const RIG_PRELUDE = `
w() { if err=$( { echo "$2" > "/$1"; } 2>&1 ); then echo "@@W ok"; else echo "@@W fail \${err##*: }"; fi; }
state() {
  for d in /sys/bus/pci/devices/*; do
    a=\${d##*/}; drv=-; g=-
    [ -L $d/driver ] && drv=$(basename "$(readlink $d/driver)")
    [ -L $d/iommu_group ] && g=$(basename "$(readlink $d/iommu_group)")
    echo "@@DEV $a $drv $(cat $d/driver_override) $g"
  done
  echo "@@VFIO $(ls /dev/vfio | grep -v '^vfio$' | tr '\\n' ' ')"
}
`;

export const rigWrite = (p: string, value: string) => `w ${shellQuote(p)} ${shellQuote(value)}`;

export interface RigSequence {
  name: string;
  writes: Array<{ ok: boolean; message: string | null }>;
  /** address → "driver override group" */
  devices: Record<string, string>;
  vfioGroups: number[];
  output: string[];
}

/** Splits the rig's output at "@@SEQ name" lines. */
export function parseRigOutput(out: string): RigSequence[] {
  const seqs: RigSequence[] = [];
  for (const line of out.split('\n')) {
    const seq = line.match(/^@@SEQ (\S+)/);
    if (seq) {
      seqs.push({ name: seq[1], writes: [], devices: {}, vfioGroups: [], output: [] });
      continue;
    }
    const cur = seqs.at(-1);
    if (!cur) continue;
    const w = line.match(/^@@W (ok|fail)(?: (.*))?$/);
    const d = line.match(/^@@DEV (\S+) (.+)$/);
    const v = line.match(/^@@VFIO ?(.*)$/);
    if (w) cur.writes.push({ ok: w[1] === 'ok', message: w[1] === 'ok' ? null : (w[2] ?? '').trim() });
    else if (d) cur.devices[d[1]] = d[2].trim();
    else if (v) cur.vfioGroups = v[1].trim().split(/\s+/).filter(Boolean).map(Number).sort((a, b) => a - b);
    else cur.output.push(line);
  }
  return seqs;
}
