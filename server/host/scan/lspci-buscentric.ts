/**
 * Test support: parser for `lspci -b -vv` (pciutils 3.9, bus-centric view), which decodes BARs,
 * the expansion ROM and bridge windows from config space, i.e. as PCI bus addresses, without sizes.
 *
 * The plain view (`lspci -v`, see lspci-output.ts) is different: in sysfs mode it takes BAR and
 * window addresses from `resource` (CPU addresses) and only the BAR types from config space, and it
 * prints a non-prefetchable window through a u32, so a window at 0x2428000000 shows as
 * 28000000-… (lspci.c show_htype1: `u32 mem_base = p->bridge_base_addr[1] & PCI_MEMORY_RANGE_MASK`).
 */
export interface BusRegion {
  /** 0-5 for BARs, 6 for the expansion ROM (the index `resource` uses) */
  index: number;
  type: 'memory' | 'io' | 'rom';
  /** null when lspci prints <unassigned> or <ignored> */
  address: bigint | null;
  is64: boolean;
  prefetchable: boolean;
}

export interface BusWindow {
  type: 'io' | 'memory' | 'prefetchable';
  start: bigint;
  end: bigint;
}

export interface BusCentricDevice {
  address: string;
  regions: BusRegion[];
  windows: BusWindow[];
}

const HEADER = /^((?:[0-9a-f]{4,}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) /;
const MEMORY = /^\tRegion (\d): Memory at (\S+) \((32-bit|64-bit|low-1M|type 3), (non-)?prefetchable\)/;
const IO = /^\tRegion (\d): I\/O ports at (\S+)/;
const ROM = /^\tExpansion ROM at (\S+)/;
const WINDOW = /^\t(I\/O|Memory|Prefetchable memory) behind bridge: ([0-9a-f]+)-([0-9a-f]+)/;

const addr = (text: string): bigint | null => (/^[0-9a-f]+$/.test(text) ? BigInt(`0x${text}`) : null);

export function parseLspciBusCentric(text: string): BusCentricDevice[] {
  const devices: BusCentricDevice[] = [];
  let cur: BusCentricDevice | null = null;
  for (const line of text.split('\n')) {
    const h = HEADER.exec(line);
    if (h) {
      cur = { address: h[1].length === 7 ? `0000:${h[1]}` : h[1], regions: [], windows: [] };
      devices.push(cur);
      continue;
    }
    if (!cur) continue;
    let m: RegExpExecArray | null;
    if ((m = MEMORY.exec(line))) {
      cur.regions.push({ index: Number(m[1]), type: 'memory', address: addr(m[2]), is64: m[3] === '64-bit', prefetchable: !m[4] });
    } else if ((m = IO.exec(line))) {
      cur.regions.push({ index: Number(m[1]), type: 'io', address: addr(m[2]), is64: false, prefetchable: false });
    } else if ((m = ROM.exec(line))) {
      cur.regions.push({ index: 6, type: 'rom', address: addr(m[1]), is64: false, prefetchable: false });
    } else if ((m = WINDOW.exec(line))) {
      const type = m[1] === 'I/O' ? 'io' : m[1] === 'Memory' ? 'memory' : 'prefetchable';
      cur.windows.push({ type, start: BigInt(`0x${m[2]}`), end: BigInt(`0x${m[3]}`) });
    }
  }
  // lspci 3.9 -b also prints the upper half of a 64-bit BAR as a region of its own ("Region 3:
  // Memory at <unassigned>" after a 64-bit Region 2, seen on the rig's ivshmem): not a BAR.
  for (const d of devices) {
    const upper = new Set(d.regions.filter((r) => r.type === 'memory' && r.is64).map((r) => r.index + 1));
    d.regions = d.regions.filter((r) => r.type === 'rom' || !upper.has(r.index));
  }
  return devices;
}
