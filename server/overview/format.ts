// Plain-words formatting of sysfs facts for the pages: sizes, BARs, links.
import type { Bar, PcieLink, PciDevice } from '../host/types';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 128 → "128 B", 524288 → "512 KiB", 1.5 MiB → "1.5 MiB" (binary units, as lspci prints BARs). */
export function humanSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1).replace(/\.?0+$/, '');
  return `${shown} ${UNITS[unit]}`;
}

export interface BarView {
  index: number;
  /** "BAR1", "ROM", "VF BAR0", "window 13" */
  label: string;
  size: string;
  sizeBytes: number;
  /** "I/O" or "memory" */
  space: 'I/O' | 'memory';
  /** ["64-bit", "prefetchable"] */
  attributes: string[];
  start: string;
  end: string;
}

function barLabel(b: Bar): string {
  if (b.kind === 'rom') return 'ROM';
  if (b.kind === 'iov') return `VF BAR${b.index - 7}`;
  if (b.kind === 'bridge-window') return b.io ? 'I/O window' : b.prefetchable ? 'prefetchable window' : 'memory window';
  return `BAR${b.index}`;
}

export function barView(b: Bar): BarView {
  const attributes: string[] = [];
  // the kernel flags a ROM prefetchable and read-only; like lspci, say nothing about it
  if (b.kind === 'rom') return { index: b.index, label: barLabel(b), size: humanSize(b.size), sizeBytes: b.size, space: 'memory', attributes, start: b.start, end: b.end };
  if (!b.io) attributes.push(b.is64 ? '64-bit' : '32-bit');
  if (b.prefetchable) attributes.push('prefetchable');
  else if (!b.io) attributes.push('non-prefetchable');
  return { index: b.index, label: barLabel(b), size: humanSize(b.size), sizeBytes: b.size, space: b.io ? 'I/O' : 'memory', attributes, start: b.start, end: b.end };
}

const GENERATIONS: Record<string, string> = { '2.5': 'Gen1', '5.0': 'Gen2', '8.0': 'Gen3', '16.0': 'Gen4', '32.0': 'Gen5', '64.0': 'Gen6' };

/** "16.0 GT/s PCIe" → "16 GT/s (Gen4)" */
export function speedText(speed: string | null): string | null {
  if (!speed) return null;
  const m = /^([\d.]+) GT\/s/.exec(speed);
  if (!m) return speed;
  const gen = GENERATIONS[m[1]];
  return `${Number(m[1])} GT/s${gen ? ` (${gen})` : ''}`;
}

export interface LinkView {
  /** "16 GT/s (Gen4) x8" */
  current: string | null;
  max: string | null;
  /** trained below what both the device and the port above it can do */
  degraded: boolean;
  /** the device can do more than the slot's port offers (an x16 card in an x8 slot): expected, not a fault */
  limitedBySlot: string | null;
  /** no link: the kernel reports 0 lanes / unknown speed (e.g. an empty slot's root port) */
  down: boolean;
}

const part = (speed: string | null, width: number | null) => {
  const s = speedText(speed);
  if (!s && !width) return null;
  return [s, width ? `x${width}` : null].filter(Boolean).join(' ');
};

const gts = (s: string | null | undefined) => (s ? parseFloat(s) : NaN);
const minKnown = (a: number, b: number) => (Number.isNaN(b) || b <= 0 ? a : Number.isNaN(a) ? b : Math.min(a, b));

/** `port` is the link of the root port above the device, when there is one: it caps what the device can reach. */
export function linkView(link: PcieLink | null, port: PcieLink | null = null): LinkView | null {
  if (!link) return null;
  const down = !link.currentWidth || /unknown/i.test(link.currentSpeed ?? 'unknown');
  const reachSpeed = minKnown(gts(link.maxSpeed), gts(port?.maxSpeed));
  const reachWidth = minKnown(link.maxWidth ?? NaN, port?.maxWidth ?? NaN);
  const slower = gts(link.currentSpeed) < reachSpeed;
  const narrower = (link.currentWidth ?? 0) < reachWidth;
  const capped = [
    port?.maxWidth && link.maxWidth && port.maxWidth < link.maxWidth ? `x${port.maxWidth}` : null,
    gts(port?.maxSpeed) < gts(link.maxSpeed) ? speedText(port!.maxSpeed) : null,
  ].filter(Boolean);
  return {
    current: down ? null : part(link.currentSpeed, link.currentWidth),
    max: part(link.maxSpeed, link.maxWidth),
    degraded: !down && (slower || narrower),
    limitedBySlot: capped.length ? `the slot's port offers at most ${capped.join(', ')}` : null,
    down,
  };
}

/** "NVIDIA Corporation TU117GL [T600]" or the IDs when pci.ids does not know it */
export function deviceName(d: PciDevice): string {
  if (d.device.name) return d.device.name;
  return `device ${d.vendor.id}:${d.device.id}`;
}

export function vendorDevice(d: PciDevice): string {
  return `${d.vendor.id}:${d.device.id}`;
}

export function className(d: PciDevice): string {
  return d.class.subclassName ?? d.class.className ?? `class ${d.class.code}`;
}
