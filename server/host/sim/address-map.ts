// Address translation between the CPU and a PCI host bridge, and the kernel-like placement of BARs
// and bridge windows inside a host bridge's apertures.
//
// A host bridge's device-tree `ranges` map PCI bus addresses to CPU addresses. The kernel keeps
// CPU ("resource") addresses in its resource tree, so sysfs `resource` shows those, while every BAR
// and bridge window register in config space holds the bus address (pcibios_resource_to_bus():
// bus = CPU - offset of the host-bridge window that contains the resource). For I/O, the "CPU"
// side is the logical port number the kernel hands out per host bridge (pci_register_io_range()).
import type { SimBar, SimWindow } from './pci-device';

export type ApertureKind = 'mem' | 'pref' | 'io';

export interface Aperture {
  kind: ApertureKind;
  /** CPU address (memory) or logical port number (I/O): what `resource` shows */
  cpu: bigint;
  /** the same place as a PCI bus address: what config space holds */
  bus: bigint;
  size: bigint;
}

/** CPU - bus for the aperture of that kind containing cpu, or null when no aperture holds it. */
export function busOffset(apertures: readonly Aperture[], io: boolean, cpu: bigint): bigint | null {
  const ap = apertures.find((a) => (a.kind === 'io') === io && cpu >= a.cpu && cpu < a.cpu + a.size);
  return ap ? ap.cpu - ap.bus : null;
}

export type BarPlan = Omit<SimBar, 'start' | 'busStart'>;

/**
 * The host-bridge window a BAR is assigned from, as drivers/pci/setup-bus.c does it when the root
 * port has a 64-bit prefetchable window: only 64-bit prefetchable BARs go there; 32-bit ones, the
 * expansion ROM (prefetchable but 32-bit) and non-prefetchable 64-bit BARs go to the
 * non-prefetchable window.
 */
export function spaceOf(b: BarPlan): ApertureKind {
  if (b.kind === 'io') return 'io';
  return b.kind === 'mem64' && b.prefetchable ? 'pref' : 'mem';
}

const alignUp = (v: bigint, a: bigint) => ((v + a - 1n) / a) * a;
const GRANULARITY: Record<ApertureKind, bigint> = { mem: 1n << 20n, pref: 1n << 20n, io: 0x1000n };

/**
 * Hands out root-port windows from one host bridge's apertures, in bus addresses, one port after
 * the other (the order the kernel assigns them). BARs behind a port are placed largest first and
 * naturally aligned; a window is aligned to its largest BAR and rounded up to 1 MiB (memory) or
 * 4 KiB (I/O), the bridge's granularity.
 */
export class ApertureAllocator {
  private readonly next: Record<ApertureKind, bigint>;
  private readonly byKind: Record<ApertureKind, Aperture>;

  /** firstIoPort: I/O below it is never handed out (arm64's PCIBIOS_MIN_IO is 0x1000) */
  constructor(apertures: readonly Aperture[], firstIoPort = 0x1000n) {
    const get = (k: ApertureKind) => {
      const a = apertures.find((x) => x.kind === k);
      if (!a) throw new Error(`no ${k} aperture`);
      return a;
    };
    this.byKind = { mem: get('mem'), pref: get('pref'), io: get('io') };
    this.next = { mem: this.byKind.mem.bus, pref: this.byKind.pref.bus, io: this.byKind.io.bus + firstIoPort };
  }

  /** Places every function's BARs (pushing them onto its `bars`) and returns the port's windows. */
  place(functions: { plan: BarPlan[]; bars: SimBar[] }[]): { mem?: SimWindow; pref?: SimWindow; io?: SimWindow } {
    const out: { mem?: SimWindow; pref?: SimWindow; io?: SimWindow } = {};
    for (const space of ['mem', 'pref', 'io'] as const) {
      const items = functions
        .flatMap((f) => f.plan.filter((b) => spaceOf(b) === space).map((b) => ({ f, b })))
        .sort((x, y) => (y.b.size > x.b.size ? 1 : y.b.size < x.b.size ? -1 : 0));
      if (items.length === 0) continue;
      const ap = this.byKind[space];
      const gran = GRANULARITY[space];
      const align = items[0].b.size > gran ? items[0].b.size : gran;
      const busStart = alignUp(this.next[space], align);
      let off = 0n;
      for (const { f, b } of items) {
        off = alignUp(off, b.size);
        const bus = busStart + off;
        f.bars.push({ ...b, busStart: bus, start: bus + ap.cpu - ap.bus });
        off += b.size;
      }
      const size = alignUp(off, gran);
      if (busStart + size > ap.bus + ap.size) throw new Error(`the ${space} aperture at bus 0x${ap.bus.toString(16)} is full`);
      this.next[space] = busStart + size;
      out[space] = { busStart, start: busStart + ap.cpu - ap.bus, size };
    }
    for (const f of functions) f.bars.sort((a, b) => a.index - b.index);
    return out;
  }
}
