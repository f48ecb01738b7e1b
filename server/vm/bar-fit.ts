// Will the passed devices' BARs fit the virt machine's PCIe windows? Sources: QEMU hw/arm/virt.c
// (VIRT_PCIE_MMIO, VIRT_HIGH_PCIE_MMIO) as summarised in docs/sources/qemu-facts.md.
import type { Bar } from '../host/types';
import { HIGH_WINDOW_BYTES } from '../../common/machine-options';
import { cardsOf, isDisplay, type PassedFunction } from './devices';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/** VIRT_PCIE_MMIO: 0x10000000 at 0x2eff0000 (≈752 MiB) for 32-bit and non-prefetchable BARs */
export const LOW_WINDOW_BYTES = 0x2eff0000;
export { HIGH_WINDOW_BYTES }; // its home is common/machine-options.ts: the option check needs it too
/** each pcie-root-port reserves a bridge window in the low region */
export const ROOT_PORT_RESERVE_BYTES = 2 * MiB;
export const MIN_IPA_BITS_FOR_HIGH_WINDOW = 40;
/** The Orin's KVM guests: a 40-bit IPA (inferred from the Cortex-A78AE; Xavier logs show 40), used when dmesg does not say. */
export const ORIN_IPA_BITS = 40;

/**
 * hw/arm/virt.c places each high region at the next multiple of its own size above the RAM (below
 * 256 GiB of RAM the default 512 GiB window sits at 512 GiB), so a window of S bytes (a power of two
 * ≥ 512 GiB) ends at 2·S. It exists only when that end fits the IPA; otherwise QEMU drops it silently.
 */
export function highWindowFitsIpa(sizeBytes: number, ipaBits: number): boolean {
  return 2 * sizeBytes <= 2 ** ipaBits;
}

export interface BarFit {
  lowUsed: number;
  highUsed: number;
  /** the high window exists (highmem on, and under KVM an IPA size ≥ 40 bits) */
  highWindow: boolean;
  lowFits: boolean;
  highFits: boolean;
}

function memBars(f: PassedFunction): Bar[] {
  const bars = f.device?.bars ?? [];
  // rombar=0 on display devices: their ROM is not mapped in the guest
  return bars.filter((b) => !b.io && b.size > 0 && (b.kind === 'bar' || (b.kind === 'rom' && !isDisplay(f.device))));
}

export function barFit(fns: PassedFunction[], highWindow: boolean, highWindowBytes = HIGH_WINDOW_BYTES): BarFit {
  let lowUsed = cardsOf(fns).length * ROOT_PORT_RESERVE_BYTES;
  let highUsed = 0;
  for (const f of fns) {
    for (const b of memBars(f)) {
      if (b.is64 && b.prefetchable && highWindow) highUsed += b.size;
      else lowUsed += b.size;
    }
  }
  return { lowUsed, highUsed, highWindow, lowFits: lowUsed <= LOW_WINDOW_BYTES, highFits: highUsed <= highWindowBytes };
}

export function formatBytes(n: number): string {
  if (n >= GiB && n % GiB === 0) return `${n / GiB} GiB`;
  if (n >= MiB) return `${Math.round((n / MiB) * 10) / 10} MiB`;
  return `${Math.round(n / 1024)} KiB`;
}
