// `jetvm overlay`: the overlay for the given targets, derived from a tree (a file, or the configured
// host's booted tree), printed as dts; with --check also applied to that tree with fdtoverlay and judged.
import fs from 'node:fs/promises';
import { FDT_FILE, ofNodePath, readBootedTree } from '../devicetree/booted-tree';
import { parseFdt } from '../devicetree/fdt';
import { applyOverlay } from '../devicetree/overlay-apply';
import { type ControllerRef, planOverlay } from '../devicetree/overlay-plan';
import { findControllerByDomain } from '../devicetree/targets';
import { ORIN_CONTROLLERS, ORIN_SLOTS } from '../host/boards/orin-devkit';
import type { Command, OverlayTarget } from './args';

interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** The tree to work on: the file given, or the configured host's /sys/firmware/fdt with its of_node links. */
async function loadTree(dtb: string | null): Promise<{ name: string; fdt: Buffer; root: string | null }> {
  if (dtb !== null) return { name: dtb, fdt: await fs.readFile(dtb), root: null };
  process.env.LOG_LEVEL ||= 'silent';
  const [{ loadConfig }, { openHost }] = await Promise.all([import('../config'), import('../host/index')]);
  const host = openHost(loadConfig());
  return { name: `${host.root === '/' ? '' : host.root}/${FDT_FILE}`, fdt: await readBootedTree(host.root), root: host.root };
}

async function controllerOf(t: OverlayTarget, tree: ReturnType<typeof parseFdt>, root: string | null): Promise<ControllerRef> {
  let platformDevice: string;
  if (t.kind === 'controller') platformDevice = t.name;
  else if (t.kind === 'pci') platformDevice = findControllerByDomain(tree, t.domain).platformDevice;
  else {
    const slot = ORIN_SLOTS.find((s) => s.id === t.id)!;
    platformDevice = ORIN_CONTROLLERS.find((c) => c.id === slot.controller)!.platformDevice;
  }
  return { platformDevice, ofNodePath: root === null ? null : await ofNodePath(root, platformDevice) };
}

/** 0 printed (and checked), 1 the tree lacks a target or the overlay does not apply. */
export async function runOverlay(cmd: Extract<Command, { kind: 'overlay' }>, io: Io): Promise<number> {
  const { name, fdt, root } = await loadTree(cmd.dtb);
  const tree = parseFdt(fdt);
  const refs = await Promise.all(cmd.targets.map((t) => controllerOf(t, tree, root)));
  const plan = planOverlay(tree, refs);
  for (const n of plan.nothingToDo) io.stderr(`jetvm overlay: ${n.platformDevice}: nothing to do — ${n.reason}\n`);
  if (!plan.source) return 0;
  io.stdout(plan.source);
  if (!cmd.check) return 0;
  const check = await applyOverlay(fdt, plan.source, plan.targets);
  if (!check.ok) {
    io.stderr(`jetvm overlay: check failed against ${name}: ${check.stderr}\n`);
    return 1;
  }
  io.stderr(
    `jetvm overlay: checked with ${check.dtcVersion} and fdtoverlay against ${name}: ` +
      `iommus is empty on ${plan.targets.map((t) => `${t.path} (${t.platformDevice})`).join(', ')}; every other node and property is unchanged\n`,
  );
  return 0;
}
