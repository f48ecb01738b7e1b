// openHost(): the one door to /sys, /dev and /proc (see host.ts). Real mode reads "/" and writes
// through write.ts to the kernel; sim mode reads the simulated Orin in the data directory and
// writes through the simulated kernel — the same validation and logging either way.
import path from 'node:path';
import type { Config } from '../config';
import { log } from '../log';
import type { Host, SimControls } from './host';
import { scanHost } from './scan';
import { simCard } from './sim/cards';
import { SimKernel } from './sim/kernel';
import { generateOrinTree, readOrinMeta, SIM_LAYOUT, type OrinMeta } from './sim/orin';
import { bootOrin } from './sim/orin-boot';
import { FDT_FILE } from '../devicetree/booted-tree';
import type { L4tRelease } from '../devicetree/trees';
import fs from 'node:fs';
import type { HostMode } from './types';
import { fileBackend, performWrite, type WriteBackend } from './write';

export { SIM_CARDS, SIM_CARD_NAMES, DEFAULT_SIM_CARD, simCard } from './sim/cards';
export { WriteRefusedError, parseWrite, driverNameSchema } from './write';

/** Where sim mode keeps its tree. */
export function simRoot(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'sim', 'root');
}

/**
 * The simulated Orin at root, generated on first use or when it was made with another card or release.
 * A card change (or a tree from an older SIM_LAYOUT) keeps the booted tree (and so the overlay); a release change is a reflash: a fresh
 * /boot, so the overlay is gone.
 */
export function ensureSimTree(root: string, card: string, release: L4tRelease = 'r36'): OrinMeta {
  const wanted = simCard(card).name;
  const meta = readOrinMeta(root);
  if (meta?.complete && meta.layout === SIM_LAYOUT && meta.card === wanted && meta.release === release) return meta;
  log.info({ root, card: wanted, release, previous: meta ? { card: meta.card, release: meta.release } : null }, 'generating the simulated Orin');
  const keep = meta?.complete && meta.release === release;
  const fdt = keep ? fs.readFileSync(path.join(root, FDT_FILE)) : undefined;
  return generateOrinTree(root, { card: wanted, release, fdt, overlay: keep ? meta.overlay : [] });
}

function simControls(root: string): SimControls {
  const meta = () => readOrinMeta(root);
  return {
    get card() {
      return meta()?.card ?? 'unknown';
    },
    get release() {
      return meta()?.release ?? 'r36';
    },
    overlay: () => meta()?.overlay ?? [],
    async reboot({ overlay }) {
      const m = meta();
      if (!m) throw new Error(`${root} is not a simulated Orin tree, so it cannot be rebooted`);
      await bootOrin(root, { card: m.card, release: m.release, overlay });
      log.info({ root, overlay }, 'simulated reboot');
    },
  };
}

/**
 * A Host over any sysfs-shaped tree. 'real' writes files (the kernel when root is "/");
 * 'sim' writes through the simulated kernel, which adopts the tree on first use.
 */
export function openHostAt(root: string, mode: HostMode): Host {
  const abs = path.resolve(root);
  let backend: WriteBackend;
  if (mode === 'sim') {
    const kernel = new SimKernel(abs);
    backend = (relPath, data) => kernel.write(relPath, data);
  } else {
    backend = fileBackend(abs);
  }
  return {
    mode,
    root: abs,
    scan: () => scanHost(abs),
    write: (relPath, value) => performWrite(backend, mode, abs, relPath, value),
    sim: mode === 'sim' ? simControls(abs) : null,
  };
}

export function openSimHost(dataDir: string, card: string, release: L4tRelease = 'r36'): Host {
  const root = simRoot(dataDir);
  ensureSimTree(root, card, release);
  return openHostAt(root, 'sim');
}

export function openHost(config: Config): Host {
  if (config.hostMode === 'real') return openHostAt('/', 'real');
  return openSimHost(config.dataDir, config.simCard, config.simRelease);
}
