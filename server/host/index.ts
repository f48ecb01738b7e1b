// openHost(): the one door to /sys, /dev and /proc (see host.ts). Real mode reads "/" and writes
// through write.ts to the kernel; sim mode reads the simulated Orin in the data directory and
// writes through the simulated kernel — the same validation and logging either way.
import path from 'node:path';
import type { Config } from '../config';
import { publishChange } from '../events';
import { log } from '../log';
import type { Host, SimControls } from './host';
import { scanHost } from './scan';
import { simCard } from './sim/cards';
import { SimKernel } from './sim/kernel';
import { generateOrinTree, readOrinMeta, type OrinMeta } from './sim/orin';
import type { HostMode } from './types';
import { fileBackend, performWrite, type WriteBackend } from './write';

export { SIM_CARDS, SIM_CARD_NAMES, DEFAULT_SIM_CARD, simCard } from './sim/cards';
export { WriteRefusedError, parseWrite, driverNameSchema } from './write';

/** Where sim mode keeps its tree. */
export function simRoot(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'sim', 'root');
}

/** The simulated Orin at root, generated on first use or when it was made with another card. */
export function ensureSimTree(root: string, card: string): OrinMeta {
  const wanted = simCard(card).name;
  const meta = readOrinMeta(root);
  if (meta?.complete && meta.card === wanted) return meta;
  log.info({ root, card: wanted, previous: meta?.card ?? null }, 'generating the simulated Orin');
  return generateOrinTree(root, { card: wanted, overlayLabels: meta?.overlayLabels ?? [] });
}

function simControls(root: string): SimControls {
  return {
    get card() {
      return readOrinMeta(root)?.card ?? 'unknown';
    },
    overlayLabels: () => readOrinMeta(root)?.overlayLabels ?? [],
    reboot({ overlayLabels }) {
      const meta = readOrinMeta(root);
      if (!meta) throw new Error(`${root} is not a simulated Orin tree, so it cannot be rebooted`);
      generateOrinTree(root, { card: meta.card, overlayLabels });
      log.info({ root, overlayLabels }, 'simulated reboot');
      publishChange({ kind: 'host', reason: 'simulated reboot' });
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

export function openSimHost(dataDir: string, card: string): Host {
  const root = simRoot(dataDir);
  ensureSimTree(root, card);
  return openHostAt(root, 'sim');
}

export function openHost(config: Config): Host {
  if (config.hostMode === 'real') return openHostAt('/', 'real');
  return openSimHost(config.dataDir, config.simCard);
}
