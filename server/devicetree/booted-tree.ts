// The tree a board booted, as its kernel shows it: /sys/firmware/fdt, and each platform device's
// of_node link into /sys/firmware/devicetree/base. Read under a Host's root ("/" or the simulated Orin).
import fs from 'node:fs/promises';
import path from 'node:path';
import { KnownError } from '../errors';

export const FDT_FILE = 'sys/firmware/fdt';
export const DT_BASE = 'sys/firmware/devicetree/base';

export async function readBootedTree(root: string): Promise<Buffer> {
  const file = path.join(root, FDT_FILE);
  try {
    return await fs.readFile(file);
  } catch (e) {
    throw new KnownError('failed', 'no-booted-tree', `cannot read the booted device tree ${file}: ${(e as Error).message}`);
  }
}

/** "/bus@0/pcie@141a0000" for 141a0000.pcie, from its of_node link; null when the device or link is absent. */
export async function ofNodePath(root: string, platformDevice: string): Promise<string | null> {
  try {
    const real = await fs.realpath(path.join(root, 'sys/bus/platform/devices', platformDevice, 'of_node'));
    const base = await fs.realpath(path.join(root, DT_BASE));
    const rel = path.relative(base, real);
    return rel.startsWith('..') ? null : '/' + rel.split(path.sep).join('/');
  } catch {
    return null;
  }
}
