// Booting the simulated Orin the way L4TLauncher boots a real one: the release's devkit tree, with the
// overlay from /boot applied by fdtoverlay when there is one, and the groups as the result says.
import { parseFdt } from '../../devicetree/fdt';
import { applyOverlay } from '../../devicetree/overlay-apply';
import { planOverlay } from '../../devicetree/overlay-plan';
import { devkitTree, type L4tRelease } from '../../devicetree/trees';
import { generateOrinTree, type OrinMeta } from './orin';

/** The devkit tree of `release` with jetvm's overlay for these controllers applied (the base tree when there are none). */
export async function bootedTree(release: L4tRelease, overlay: string[]): Promise<Buffer> {
  const base = devkitTree(release);
  if (overlay.length === 0) return base;
  const plan = planOverlay(parseFdt(base), overlay.map((platformDevice) => ({ platformDevice })));
  if (!plan.source) return base;
  const check = await applyOverlay(base, plan.source, plan.targets);
  if (!check.ok || !check.merged) throw new Error(`the overlay does not apply to the ${release} devkit tree: ${check.stderr}`);
  return check.merged;
}

export async function bootOrin(root: string, opts: { card: string; release?: L4tRelease; overlay?: string[] }): Promise<OrinMeta> {
  const release = opts.release ?? 'r36';
  const overlay = [...new Set(opts.overlay ?? [])].sort();
  const fdt = await bootedTree(release, overlay);
  return generateOrinTree(root, { card: opts.card, release, fdt, overlay });
}
