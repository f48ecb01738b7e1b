// Turns the sequences into ONE busybox script for the kernel rig (snapshot first, then every write
// and state dump, in order), and parses what the rig printed back into the shared shapes.
import { errnoFromMessage } from '../write';
import type { Step } from './sequences';
import { emptyDump, normalizeDump, type KernelDump, type WriteOutcome } from './state';

const SAFE = /^[^'\n\0]*$/;
const q = (s: string) => {
  if (!SAFE.test(s)) throw new Error(`cannot quote ${JSON.stringify(s)} for the rig script`);
  return `'${s}'`;
};

// a plain template: \${ and \\n stay literal for the shell
const HELPERS = `
w() {
  if [ -n "$4" ] && [ ! -e "$4" ]; then echo "@@W $1 skip"; return; fi
  r=$( { echo "$3" > "$2"; } 2>&1 ); rc=$?
  echo "@@W $1 rc=$rc $(echo "$r" | tr '\\n' ' ')"
}
dump() {
  for d in /sys/bus/pci/devices/*; do
    drv=-; [ -L $d/driver ] && drv=$(basename "$(readlink $d/driver)")
    grp=-; [ -L $d/iommu_group ] && grp=$(basename "$(readlink $d/iommu_group)")
    echo "@@D $1 \${d##*/} $drv $grp $(cat $d/driver_override)"
  done
  for l in /sys/bus/pci/drivers/*/*:*; do [ -L "$l" ] && echo "@@L $1 $(basename "$(dirname "$l")") \${l##*/}"; done
  for g in /sys/kernel/iommu_groups/*; do echo "@@G $1 \${g##*/} $(ls $g/devices | tr '\\n' ' ')"; done
  echo "@@V $1 $(ls /dev/vfio | tr '\\n' ' ')"
}
`;

/** captureScript: the rig's capture.sh (prints the snapshot as base64 between @@TAR markers). */
export function buildRigScript(captureScript: string, steps: { step: Step }[]): string {
  const body = steps.map(({ step }, i) =>
    step.kind === 'dump' ? `dump ${q(step.label)}` : `w ${i} ${q(`/${step.path}`)} ${q(step.value)} ${q(step.onlyIfExists ? `/${step.onlyIfExists}` : '')}`,
  );
  // kernel messages on the console could split our marker lines
  return `dmesg -n 1\n${captureScript}\n${HELPERS}\n${body.join('\n')}\necho "@@DONE"\n`;
}

export interface RigRun {
  /** the snapshot taken before the first write: a .tar.gz */
  snapshot: Buffer;
  writes: Map<number, Pick<WriteOutcome, 'outcome' | 'errno' | 'text'>>;
  dumps: Record<string, KernelDump>;
  done: boolean;
}

/** Busybox says "write error: No such device" or "can't create …: nonexistent directory". */
function errnoOfShellMessage(text: string): string | undefined {
  const last = text.trim().split(': ').pop() ?? '';
  if (/nonexistent directory|no such file/i.test(last)) return 'ENOENT';
  if (/permission denied/i.test(last)) return 'EACCES';
  return errnoFromMessage(last);
}

export function parseRigOutput(out: string): RigRun {
  const lines = out.split('\n').map((l) => l.replace(/\r$/, ''));
  const begin = lines.indexOf('@@TAR-BEGIN');
  const end = lines.indexOf('@@TAR-END');
  if (begin < 0 || end < begin) throw new Error('the rig printed no snapshot (no @@TAR-BEGIN/@@TAR-END)');
  const b64 = lines.slice(begin + 1, end).filter((l) => /^[A-Za-z0-9+/=]+$/.test(l)); // console noise is dropped
  const run: RigRun = { snapshot: Buffer.from(b64.join(''), 'base64'), writes: new Map(), dumps: {}, done: lines.includes('@@DONE') };
  const dump = (label: string) => (run.dumps[label] ??= emptyDump());
  for (const line of lines.slice(end + 1)) {
    const m = line.match(/^@@(W|D|L|G|V) (\S+) ?(.*)$/);
    if (!m) continue;
    const [, kind, first, rest] = m;
    if (kind === 'W') {
      if (rest === 'skip') run.writes.set(Number(first), { outcome: 'skipped' });
      else {
        const r = rest.match(/^rc=(\d+) ?(.*)$/);
        if (!r) continue;
        const text = r[2].trim();
        run.writes.set(Number(first), r[1] === '0' ? { outcome: 'ok' } : { outcome: 'failed', errno: errnoOfShellMessage(text), text });
      }
    } else if (kind === 'D') {
      const d = rest.match(/^(\S+) (\S+) (\S+) ?(.*)$/);
      if (d) dump(first).devices[d[1]] = { driver: d[2], group: d[3], override: d[4] };
    } else if (kind === 'L') {
      dump(first).driverLinks.push(rest.trim());
    } else if (kind === 'G') {
      const [g, ...members] = rest.trim().split(/\s+/);
      dump(first).groups[g] = members.filter(Boolean);
    } else {
      dump(first).vfio = rest.trim().split(/\s+/).filter(Boolean);
    }
  }
  for (const k of Object.keys(run.dumps)) run.dumps[k] = normalizeDump(run.dumps[k]);
  return run;
}
