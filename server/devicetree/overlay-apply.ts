// Proves an overlay against the very tree it is meant for: dtc compiles it, fdtoverlay applies it to
// that tree, and the result is compared with the tree node by node — every target's `iommus` must be
// empty and nothing else may change. All child processes are asynchronous; answers are cached by
// (tree, overlay), so showing the same overlay again costs nothing.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { flatten, parseFdt } from './fdt';
import type { ControllerTarget } from './targets';
import { programVersion, ResultCache } from '../proc/run';

const exec = promisify(execFile);

export interface DtcTools {
  dtc: string;
  fdtoverlay: string;
}

export const defaultTools: DtcTools = { dtc: 'dtc', fdtoverlay: 'fdtoverlay' };

export interface OverlayCheck {
  ok: boolean;
  /** dtc's version, null when dtc is not installed (then nothing was checked) */
  dtcVersion: string | null;
  /** false when fdtoverlay is missing and only compilation was checked */
  effectChecked: boolean;
  /** what went wrong, in dtc's/fdtoverlay's words where they had any */
  stderr: string;
  /** the compiled overlay */
  dtbo: Buffer | null;
  /** the tree with the overlay applied */
  merged: Buffer | null;
  /** targets whose `iommus` is still set after applying */
  notEmptied: string[];
  /** any other difference between the tree and the result ("/path: prop changed") */
  unexpected: string[];
}

const missing = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT';
const failText = (e: unknown) => {
  const x = e as { stderr?: string; stdout?: string; message?: string };
  return (x.stderr || x.stdout || x.message || String(e)).trim();
};

/** "DTC 1.6.1", null when dtc cannot run. */
export async function dtcVersion(tools: DtcTools = defaultTools): Promise<string | null> {
  return (await programVersion(tools.dtc))?.replace(/^Version:\s*/, '') ?? null;
}

/** What changed from base to merged, judged against the targets (only their `iommus` may change, to empty). */
export function compareTrees(base: Buffer, merged: Buffer, targets: ControllerTarget[]): { notEmptied: string[]; unexpected: string[] } {
  const a = flatten(parseFdt(base));
  const b = flatten(parseFdt(merged));
  const targetPaths = new Map(targets.map((t) => [t.path, t.platformDevice]));
  const notEmptied = targets.filter((t) => (b.get(t.path)?.get('iommus')?.length ?? -1) !== 0).map((t) => t.platformDevice);
  const unexpected: string[] = [];
  for (const p of a.keys()) if (!b.has(p)) unexpected.push(`${p}: node removed`);
  for (const [p, props] of b) {
    const before = a.get(p);
    if (!before) {
      unexpected.push(`${p}: node added`);
      continue;
    }
    for (const name of new Set([...before.keys(), ...props.keys()])) {
      if (name === 'iommus' && targetPaths.has(p)) continue;
      const x = before.get(name);
      const y = props.get(name);
      if (!x) unexpected.push(`${p}: ${name} added`);
      else if (!y) unexpected.push(`${p}: ${name} removed`);
      else if (!x.equals(y)) unexpected.push(`${p}: ${name} changed`);
    }
  }
  return { notEmptied, unexpected };
}

async function runCheck(base: Buffer, source: string, targets: ControllerTarget[], tools: DtcTools): Promise<OverlayCheck> {
  const version = await dtcVersion(tools);
  const result: OverlayCheck = { ok: false, dtcVersion: version, effectChecked: false, stderr: '', dtbo: null, merged: null, notEmptied: [], unexpected: [] };
  if (!version) {
    result.stderr = `${tools.dtc} is not installed (Debian: apt-get install device-tree-compiler), so the overlay was not checked`;
    return result;
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'jetvm-dtc-'));
  try {
    await fs.writeFile(path.join(dir, 'overlay.dts'), source);
    await fs.writeFile(path.join(dir, 'base.dtb'), base);
    try {
      await exec(tools.dtc, ['-@', '-q', '-I', 'dts', '-O', 'dtb', '-o', 'overlay.dtbo', 'overlay.dts'], { cwd: dir, timeout: 20_000 });
    } catch (e) {
      result.stderr = failText(e) || 'dtc failed';
      return result;
    }
    result.dtbo = await fs.readFile(path.join(dir, 'overlay.dtbo'));
    try {
      await exec(tools.fdtoverlay, ['-i', 'base.dtb', '-o', 'merged.dtb', 'overlay.dtbo'], { cwd: dir, timeout: 20_000 });
    } catch (e) {
      if (missing(e)) {
        result.stderr = `${tools.fdtoverlay} is not installed, so the overlay was compiled but not applied to the tree`;
        return result;
      }
      result.effectChecked = true;
      result.stderr = `fdtoverlay could not apply it to this tree: ${failText(e)}`;
      return result;
    }
    result.effectChecked = true;
    result.merged = await fs.readFile(path.join(dir, 'merged.dtb'));
    Object.assign(result, compareTrees(base, result.merged, targets));
    const problems = [
      ...(result.notEmptied.length ? [`applied to the tree it leaves \`iommus\` set on ${result.notEmptied.join(', ')}`] : []),
      ...(result.unexpected.length ? [`applied to the tree it changes more than \`iommus\`: ${result.unexpected.slice(0, 5).join('; ')}`] : []),
    ];
    result.stderr = problems.join('. ');
    result.ok = problems.length === 0;
    return result;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

// a memo of a pure function of its key (content digests and tool paths), not state: safe to share between dashboards
const checks = new ResultCache<OverlayCheck>(32);

const digest = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** Compiles the overlay, applies it to `base` with fdtoverlay and judges the result; the same (tree, overlay, targets) gets the same answer from cache. */
export function applyOverlay(base: Buffer, source: string, targets: ControllerTarget[], tools: DtcTools = defaultTools): Promise<OverlayCheck> {
  const key = [digest(base), digest(source), targets.map((t) => t.path).join(','), tools.dtc, tools.fdtoverlay].join(' ');
  return checks.get(key, () => runCheck(base, source, targets, tools));
}
