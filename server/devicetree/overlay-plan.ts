// The overlay that takes PCIe controllers out of their IOMMU groups, derived from the tree it will be
// applied to: one fragment per controller whose node has a non-empty `iommus`, each naming the node
// the way that tree allows (label or path). Controllers with nothing to change are listed with why.
import type { FdtNode } from './fdt';
import { type ControllerTarget, findController } from './targets';

export interface NothingToDo {
  platformDevice: string;
  path: string;
  reason: string;
}

export interface OverlayPlan {
  /** controllers the overlay changes, sorted by platform device */
  targets: ControllerTarget[];
  nothingToDo: NothingToDo[];
  /** the overlay source for `dtc -@`; null when no controller needs it */
  source: string | null;
}

/** A platform device with the of_node path the running kernel gave it (null: find the node by name). */
export interface ControllerRef {
  platformDevice: string;
  ofNodePath?: string | null;
}

function why(t: ControllerTarget): string {
  return t.iommus === 'empty'
    ? `${t.path} already has an empty \`iommus\` (this tree has the overlay, or an equivalent change, applied): the controller is in no IOMMU group`
    : `${t.path} has no \`iommus\` property (a mainline-style tree, which maps only the devices behind the controller through \`iommu-map\`): ` +
        'the controller itself is in no IOMMU group, so there is nothing to take out';
}

/**
 * `iommus = <>;` (an empty property) rather than the seed's `/delete-property/ iommus;`: an overlay
 * cannot delete a property (dtc compiles /delete-property/ in a /plugin/ file to nothing). An empty
 * `iommus` leaves the kernel no IOMMU to attach the controller to, as Ghaf's r36 overlay does.
 */
export function overlaySourceFor(targets: ControllerTarget[]): string {
  const fragments = targets.map((t) =>
    [
      `// ${t.platformDevice}: ${t.label ? `${t.path}, by its label` : `${t.path}, by path (the tree has no label for it)`}`,
      `${t.ref} {`,
      '\tiommus = <>;',
      '};',
    ].join('\n'),
  );
  return [
    '// jetvm: take the PCIe controller(s) out of their IOMMU group, so the root port and the card',
    '// behind it form a group of their own that vfio-pci can own.',
    '/dts-v1/;',
    '/plugin/;',
    '',
    fragments.join('\n\n'),
    '',
  ].join('\n');
}

export function planOverlay(root: FdtNode, controllers: ControllerRef[]): OverlayPlan {
  const seen = new Set<string>();
  const resolved = controllers
    .filter((c) => !seen.has(c.platformDevice) && seen.add(c.platformDevice))
    .map((c) => findController(root, c.platformDevice, c.ofNodePath))
    .sort((a, b) => a.platformDevice.localeCompare(b.platformDevice));
  const targets = resolved.filter((t) => t.iommus === 'set');
  const nothingToDo = resolved.filter((t) => t.iommus !== 'set').map((t) => ({ platformDevice: t.platformDevice, path: t.path, reason: why(t) }));
  return { targets, nothingToDo, source: targets.length ? overlaySourceFor(targets) : null };
}
