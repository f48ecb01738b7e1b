// Proves an overlay valid with the real dtc: it compiles, and applied by fdtoverlay to a tree holding
// the labelled controllers it really empties their `iommus`.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { normaliseLabels } from './overlay';

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

function run(cmd: string, args: string[], cwd: string, input?: string) {
  const r = spawnSync(cmd, args, { cwd, input, encoding: 'utf8', timeout: 20_000 });
  return { missing: (r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT', status: r.status, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error && (r.error as NodeJS.ErrnoException).code !== 'ENOENT' ? String(r.error) : '') };
}

export function dtcVersion(tools: DtcTools = defaultTools): string | null {
  try {
    return execFileSync(tools.dtc, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim().replace(/^Version:\s*/, '');
  } catch {
    return null;
  }
}

/** A stand-in base tree: one node per label, with an `iommus` the overlay must empty. */
function baseTree(labels: string[]): string {
  const nodes = labels.map((l, i) => `\t${l}: pcie@${(0x14100000 + i * 0x20000).toString(16)} {\n\t\tiommus = <&smmu 0x${(i + 1).toString(16)}>;\n\t};`);
  return `/dts-v1/;\n/ {\n\tsmmu: iommu {\n\t\t#iommu-cells = <1>;\n\t};\n${nodes.join('\n')}\n};\n`;
}

export function checkOverlay(source: string, labels: string[], tools: DtcTools = defaultTools): OverlayCheck {
  const list = normaliseLabels(labels);
  const version = dtcVersion(tools);
  const result: OverlayCheck = { ok: false, dtcPresent: version !== null, dtcVersion: version, stderr: '', dtbo: null, notEmptied: [], effectChecked: false };
  if (!version) return result;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-dtc-'));
  try {
    fs.writeFileSync(path.join(dir, 'overlay.dts'), source);
    const c = run(tools.dtc, ['-@', '-q', '-I', 'dts', '-O', 'dtb', '-o', 'overlay.dtbo', 'overlay.dts'], dir);
    if (c.status !== 0) {
      result.stderr = c.stderr.trim() || `dtc exited with ${c.status}`;
      return result;
    }
    result.dtbo = fs.readFileSync(path.join(dir, 'overlay.dtbo'));
    fs.writeFileSync(path.join(dir, 'base.dts'), baseTree(list));
    const b = run(tools.dtc, ['-@', '-q', '-I', 'dts', '-O', 'dtb', '-o', 'base.dtb', 'base.dts'], dir);
    if (b.status !== 0) throw new Error(`dtc could not build the test base tree: ${b.stderr}`);
    const a = run(tools.fdtoverlay, ['-i', 'base.dtb', '-o', 'merged.dtb', 'overlay.dtbo'], dir);
    if (a.missing) {
      result.ok = true;
      return result;
    }
    result.effectChecked = true;
    if (a.status !== 0) {
      result.stderr = `fdtoverlay could not apply it: ${(a.stderr || a.stdout).trim()}`;
      return result;
    }
    list.forEach((l, i) => {
      const node = `/pcie@${(0x14100000 + i * 0x20000).toString(16)}`;
      const g = run(tools.fdtget, ['-t', 'x', 'merged.dtb', node, 'iommus'], dir);
      if (g.status === 0 && g.stdout.trim() !== '') result.notEmptied.push(l);
    });
    if (result.notEmptied.length) {
      result.stderr = `applied as an overlay it leaves \`iommus\` set on ${result.notEmptied.map((l) => '&' + l).join(', ')}` +
        ' (dtc compiles /delete-property/ in an overlay to nothing: use `iommus = <>;`)';
      return result;
    }
    result.ok = true;
    return result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
