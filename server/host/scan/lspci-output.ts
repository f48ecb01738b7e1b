/**
 * Parser for `lspci -vnnk` / `lspci -D -vnnk` output (pciutils 3.x), to check the scanner against
 * the tool everybody trusts. Only the parts the scanner reports are read.
 */
export interface LspciRegion {
  type: 'memory' | 'io' | 'rom';
  /** lower-case hex without 0x, as lspci prints it */
  address: string;
  size: number;
  is64: boolean;
  prefetchable: boolean;
}

export interface LspciWindow {
  type: 'io' | 'memory' | 'prefetchable';
  start: string;
  end: string;
}

export interface LspciDevice {
  address: string;
  /** class and subclass, four hex digits ("0604"): lspci's "[0604]" */
  classCode: string;
  progIf: string;
  vendor: string;
  device: string;
  vendorDeviceText: string;
  subsystem: { vendor: string; device: string } | null;
  revision: string;
  iommuGroup: number | null;
  driver: string | null;
  regions: LspciRegion[];
  windows: LspciWindow[];
}

const HEADER =
  /^((?:[0-9a-f]{4,}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) .*?\[([0-9a-f]{4})\]: (.*) \[([0-9a-f]{4}):([0-9a-f]{4})\]( \(rev ([0-9a-f]{2})\))?( \(prog-if ([0-9a-f]{2})[^)]*\))?$/;
const SUBSYSTEM = /^\tSubsystem: .*\[([0-9a-f]{4}):([0-9a-f]{4})\]$/;
const GROUP = /IOMMU group (\d+)/;
const MEMORY = /^\tMemory at ([0-9a-f]+) \((32-bit|64-bit|low-1M|type 3), (non-)?prefetchable\).*\[size=(\d+[KMGT]?)\]$/;
const IO = /^\tI\/O ports at ([0-9a-f]+).*\[size=(\d+[KMGT]?)\]$/;
const ROM = /^\tExpansion ROM at ([0-9a-f]+).*\[size=(\d+[KMGT]?)\]$/;
const WINDOW = /^\t(I\/O|Memory|Prefetchable memory) behind bridge: ([0-9a-f]+)-([0-9a-f]+)/;
const DRIVER = /^\tKernel driver in use: (.+)$/;

export function parseSize(text: string): number {
  const m = /^(\d+)([KMGT]?)$/.exec(text);
  if (!m) throw new Error(`not an lspci size: ${text}`);
  const shift = { '': 0, K: 10, M: 20, G: 30, T: 40 }[m[2] as '' | 'K' | 'M' | 'G' | 'T'];
  return Number(m[1]) * 2 ** shift;
}

export function parseLspci(text: string): LspciDevice[] {
  const devices: LspciDevice[] = [];
  let cur: LspciDevice | null = null;
  for (const line of text.split('\n')) {
    const h = HEADER.exec(line);
    if (h) {
      cur = {
        address: h[1].length === 7 ? `0000:${h[1]}` : h[1],
        classCode: h[2],
        progIf: h[9] ?? '00',
        vendor: h[4],
        device: h[5],
        vendorDeviceText: h[3],
        subsystem: null,
        revision: h[7] ?? '00',
        iommuGroup: null,
        driver: null,
        regions: [],
        windows: [],
      };
      devices.push(cur);
      continue;
    }
    if (!cur || !line.startsWith('\t')) continue;
    let m: RegExpExecArray | null;
    if ((m = SUBSYSTEM.exec(line)) && !cur.subsystem) cur.subsystem = { vendor: m[1], device: m[2] };
    else if (line.startsWith('\tFlags:') && (m = GROUP.exec(line))) cur.iommuGroup = Number(m[1]);
    else if ((m = MEMORY.exec(line)))
      cur.regions.push({ type: 'memory', address: m[1], size: parseSize(m[4]), is64: m[2] === '64-bit', prefetchable: !m[3] });
    else if ((m = IO.exec(line))) cur.regions.push({ type: 'io', address: m[1], size: parseSize(m[2]), is64: false, prefetchable: false });
    else if ((m = ROM.exec(line))) cur.regions.push({ type: 'rom', address: m[1], size: parseSize(m[2]), is64: false, prefetchable: false });
    else if ((m = WINDOW.exec(line))) {
      const type = m[1] === 'I/O' ? 'io' : m[1] === 'Memory' ? 'memory' : 'prefetchable';
      cur.windows.push({ type, start: m[2], end: m[3] });
    } else if ((m = DRIVER.exec(line))) cur.driver = m[1];
  }
  return devices;
}
