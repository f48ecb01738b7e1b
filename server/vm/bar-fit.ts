// Will the passed devices' BARs fit the virt machine's PCIe windows? Sources: QEMU hw/arm/virt.c
// (VIRT_PCIE_MMIO, VIRT_HIGH_PCIE_MMIO) as summarised in docs/sources/qemu-facts.md.
import type { Bar } from '../host/types';
import { cardsOf, isDisplay, type PassedFunction } from './devices';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/** VIRT_PCIE_MMIO: 0x10000000 at 0x2eff0000 (≈752 MiB) for 32-bit and non-prefetchable BARs */
export const LOW_WINDOW_BYTES = 0x2eff0000;
/** VIRT_HIGH_PCIE_MMIO: 512 GiB for 64-bit prefetchable BARs (needs highmem; under KVM an IPA ≥ 40 bits) */
export const HIGH_WINDOW_BYTES = 512 * GiB;
/** each pcie-root-port reserves a bridge window in the low region */
export const ROOT_PORT_RESERVE_BYTES = 2 * MiB;
export const MIN_IPA_BITS_FOR_HIGH_WINDOW = 40;

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

export function barFit(fns: PassedFunction[], highWindow: boolean): BarFit {
  let lowUsed = cardsOf(fns).length * ROOT_PORT_RESERVE_BYTES;
  let highUsed = 0;
  for (const f of fns) {
    for (const b of memBars(f)) {
      if (b.is64 && b.prefetchable && highWindow) highUsed += b.size;
      else lowUsed += b.size;
    }
  }
  return { lowUsed, highUsed, highWindow, lowFits: lowUsed <= LOW_WINDOW_BYTES, highFits: highUsed <= HIGH_WINDOW_BYTES };
}

export function formatBytes(n: number): string {
  if (n >= GiB && n % GiB === 0) return `${n / GiB} GiB`;
  if (n >= MiB) return `${Math.round((n / MiB) * 10) / 10} MiB`;
  return `${Math.round(n / 1024)} KiB`;
}
