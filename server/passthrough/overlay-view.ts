// The overlay jetvm shows: derived from a tree (the booted one, or a file), applied to that same tree
// with fdtoverlay and checked before it is shown, with the install steps for the board's release.
import fs from 'node:fs/promises';
import path from 'node:path';
import { FDT_FILE, ofNodePath, readBootedTree } from '../devicetree/booted-tree';
import { parseFdt } from '../devicetree/fdt';
import { applyOverlay, type OverlayCheck } from '../devicetree/overlay-apply';
import { type ControllerRef, type NothingToDo, planOverlay } from '../devicetree/overlay-plan';
import type { ControllerTarget } from '../devicetree/targets';
import type { L4tRelease } from '../devicetree/trees';
import { parseNvTegraRelease } from '../host/nv-tegra-release';
import { baseTreePatch, installSteps, UNSAFE_INTERRUPTS_ARG, type InstallStep } from './overlay';

export interface OverlayView {
  /** the tree the overlay was derived from and checked against */
  tree: string;
  release: L4tRelease | null;
  targets: ControllerTarget[];
  nothingToDo: NothingToDo[];
  /** null when no controller needs the overlay */
  source: string | null;
  baseTreePatch: string | null;
  installSteps: InstallStep[];
  kernelArgument: string;
  /** fdtoverlay's verdict on the source applied to `tree`; null when there is no source */
  check: (Omit<OverlayCheck, 'dtbo' | 'merged'> & { dtboBytes: number | null }) | null;
}

export async function overlayForTree(fdt: Buffer, controllers: ControllerRef[], tree: string, release: L4tRelease | null): Promise<OverlayView> {
  const plan = planOverlay(parseFdt(fdt), controllers);
  let check: OverlayView['check'] = null;
  if (plan.source) {
    const { dtbo, merged, ...rest } = await applyOverlay(fdt, plan.source, plan.targets);
    void merged;
    check = { ...rest, dtboBytes: dtbo?.length ?? null };
  }
  return {
    tree,
    release,
    targets: plan.targets,
    nothingToDo: plan.nothingToDo,
    source: plan.source,
    baseTreePatch: plan.targets.length ? baseTreePatch(plan.targets) : null,
    installSteps: plan.targets.length ? installSteps(release, plan.targets) : [],
    kernelArgument: UNSAFE_INTERRUPTS_ARG,
    check,
  };
}

/** <root>/etc/nv_tegra_release's family ("r36"); null when absent or another release. */
export async function l4tRelease(root: string): Promise<L4tRelease | null> {
  try {
    return parseNvTegraRelease(await fs.readFile(path.join(root, 'etc/nv_tegra_release'), 'latin1'))?.family ?? null;
  } catch {
    return null;
  }
}

/** The overlay for a host (real "/" or the simulated Orin): its /sys/firmware/fdt, nodes from the controllers' of_node links. */
export async function overlayForHost(root: string, controllers: string[]): Promise<OverlayView> {
  const fdt = await readBootedTree(root);
  const refs = await Promise.all(controllers.map(async (platformDevice) => ({ platformDevice, ofNodePath: await ofNodePath(root, platformDevice) })));
  return overlayForTree(fdt, refs, `/${FDT_FILE}`, await l4tRelease(root));
}
