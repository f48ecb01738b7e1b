// Proves an overlay valid with the real dtc: it compiles, and applied by fdtoverlay to a tree holding
// the labelled controllers it really empties their `iommus`.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { normaliseLabels } from './overlay';
import { programVersion, ResultCache, runProgram } from '../proc/run';

export interface OverlayCheck {
  ok: boolean;
  /** false when dtc is not installed: nothing was checked */
  dtcPresent: boolean;
  dtcVersion: string | null;
  /** dtc's own error text when compiling failed */
  stderr: string;
  /** the compiled overlay */
  dtbo: Buffer | null;
  /** labels whose `iommus` is still set after applying the overlay (empty when the effect was proven) */
  notEmptied: string[];
  /** false when fdtoverlay is missing and only compilation was checked */
  effectChecked: boolean;
}

export interface DtcTools {
  dtc: string;
  fdtoverlay: string;
  fdtget: string;
}

export const defaultTools: DtcTools = { dtc: 'dtc', fdtoverlay: 'fdtoverlay', fdtget: 'fdtget' };

const run = (cmd: string, args: string[], cwd: string) => runProgram(cmd, args, { cwd });

export async function dtcVersion(tools: DtcTools = defaultTools): Promise<string | null> {
  return (await programVersion(tools.dtc))?.replace(/^Version:\s*/, '') ?? null;
}

/** A stand-in base tree: one node per label, with an `iommus` the overlay must empty. */
function baseTree(labels: string[]): string {
  const nodes = labels.map((l, i) => `\t${l}: pcie@${(0x14100000 + i * 0x20000).toString(16)} {\n\t\tiommus = <&smmu 0x${(i + 1).toString(16)}>;\n\t};`);
  return `/dts-v1/;\n/ {\n\tsmmu: iommu {\n\t\t#iommu-cells = <1>;\n\t};\n${nodes.join('\n')}\n};\n`;
}

// the same overlay checked with the same tools always gives the same answer
const checks = new ResultCache<OverlayCheck>(64);

/** Compiles and applies the overlay with the real tools (once per distinct overlay: the answer is cached). */
export async function checkOverlay(source: string, labels: string[], tools: DtcTools = defaultTools): Promise<OverlayCheck> {
  const key = crypto.createHash('sha256').update(JSON.stringify([source, labels, tools])).digest('hex');
  const check = await checks.get(key, () => runCheck(source, labels, tools));
  if (!check.dtcPresent) checks.forget(key);
  return check;
}

async function runCheck(source: string, labels: string[], tools: DtcTools): Promise<OverlayCheck> {
  const list = normaliseLabels(labels);
  const version = await dtcVersion(tools);
  const result: OverlayCheck = { ok: false, dtcPresent: version !== null, dtcVersion: version, stderr: '', dtbo: null, notEmptied: [], effectChecked: false };
  if (!version) return result;
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'jetvm-dtc-'));
  try {
    fs.writeFileSync(path.join(dir, 'overlay.dts'), source);
    const c = await run(tools.dtc, ['-@', '-q', '-I', 'dts', '-O', 'dtb', '-o', 'overlay.dtbo', 'overlay.dts'], dir);
    if (c.status !== 0) {
      result.stderr = c.stderr.trim() || `dtc exited with ${c.status}`;
      return result;
    }
    result.dtbo = fs.readFileSync(path.join(dir, 'overlay.dtbo'));
    fs.writeFileSync(path.join(dir, 'base.dts'), baseTree(list));
    const b = await run(tools.dtc, ['-@', '-q', '-I', 'dts', '-O', 'dtb', '-o', 'base.dtb', 'base.dts'], dir);
    if (b.status !== 0) throw new Error(`dtc could not build the test base tree: ${b.stderr}`);
    const a = await run(tools.fdtoverlay, ['-i', 'base.dtb', '-o', 'merged.dtb', 'overlay.dtbo'], dir);
    if (a.missing) {
      result.ok = true;
      return result;
    }
    result.effectChecked = true;
    if (a.status !== 0) {
      result.stderr = `fdtoverlay could not apply it: ${(a.stderr || a.stdout).trim()}`;
      return result;
    }
    for (const [i, l] of list.entries()) {
      const node = `/pcie@${(0x14100000 + i * 0x20000).toString(16)}`;
      const g = await run(tools.fdtget, ['-t', 'x', 'merged.dtb', node, 'iommus'], dir);
      if (g.status === 0 && g.stdout.trim() !== '') result.notEmptied.push(l);
    }
    if (result.notEmptied.length) {
      result.stderr = `applied as an overlay it leaves \`iommus\` set on ${result.notEmptied.map((l) => '&' + l).join(', ')}` +
        ' (dtc compiles /delete-property/ in an overlay to nothing: use `iommus = <>;`)';
      return result;
    }
    result.ok = true;
    return result;
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}
