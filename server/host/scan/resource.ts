import type { Bar, BarKind } from '../types';

// IORESOURCE_* bits (include/linux/ioport.h) as the kernel prints them in `resource`
export const IORESOURCE_IO = 0x100;
export const IORESOURCE_MEM = 0x200;
export const IORESOURCE_PREFETCH = 0x2000;
export const IORESOURCE_MEM_64 = 0x100000;

/** PCI_ROM_RESOURCE = 6, PCI_IOV_RESOURCES 7..12, then the bridge windows (drivers/pci: include/linux/pci.h) */
const ROM_INDEX = 6;
const FIRST_WINDOW = 13;

export function barKind(index: number): BarKind {
  if (index < ROM_INDEX) return 'bar';
  if (index === ROM_INDEX) return 'rom';
  if (index < FIRST_WINDOW) return 'iov';
  return 'bridge-window';
}

const UNUSED = '0x0000000000000000 0x0000000000000000 0x0000000000000000';
const LINE = /^0x([0-9a-fA-F]{1,16}) 0x([0-9a-fA-F]{1,16}) 0x([0-9a-fA-F]{1,16})$/;

export interface ParsedResource {
  /** BARs 0-5, the ROM and SR-IOV BARs: everything that is not a bridge window */
  bars: Bar[];
  windows: Bar[];
}

/**
 * Parses the `resource` file: one `0x%016llx 0x%016llx 0x%016llx` (start end flags) line per
 * resource; all-zero lines are unused and left out. Throws with the line number on anything else.
 */
export function parseResource(text: string): ParsedResource {
  const bars: Bar[] = [];
  const windows: Bar[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (let index = 0; index < lines.length; index++) {
    const bar = lines[index] === UNUSED ? null : parseLine(lines[index], index);
    if (bar) (bar.kind === 'bridge-window' ? windows : bars).push(bar);
  }
  return { bars, windows };
}

function parseLine(line: string, index: number): Bar | null {
  const m = LINE.exec(line.trim());
  if (!m) throw new Error(`line ${index + 1} is not "0xSTART 0xEND 0xFLAGS": ${JSON.stringify(line.slice(0, 80))}`);
  const start = BigInt(`0x${m[1]}`);
  const end = BigInt(`0x${m[2]}`);
  const flags = BigInt(`0x${m[3]}`);
  if (start === 0n && end === 0n && flags === 0n) return null;
  if (end < start) throw new Error(`line ${index + 1}: end 0x${m[2]} is below start 0x${m[1]}`);
  return {
    index,
    kind: barKind(index),
    start: hex16(m[1]),
    end: hex16(m[2]),
    size: Number(end - start + 1n),
    flags: Number(flags),
    io: (flags & BigInt(IORESOURCE_IO)) !== 0n,
    is64: (flags & BigInt(IORESOURCE_MEM_64)) !== 0n,
    prefetchable: (flags & BigInt(IORESOURCE_PREFETCH)) !== 0n,
  };
}

/** "0x" and 16 lower-case digits, from the 1 to 16 the line had */
function hex16(digits: string): string {
  return `0x${digits.toLowerCase().padStart(16, '0')}`;
}
