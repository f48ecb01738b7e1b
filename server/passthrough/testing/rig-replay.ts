// The passthrough replay's vocabulary in the kernel rig's guest script: w (one sysfs write, with the
// kernel's answer) and state (drivers, overrides, groups, /dev/vfio), and the parser of what they print.
import { shellQuote } from '../../../common/shell-quote';

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
