import type { BoardView, SlotView } from '../host/boards/types';
import type { Bar, HostSnapshot, PciDevice, PcieLink } from '../host/types';
import { DESKTOP_SLOT_POWER_W } from '../host/boards/orin-devkit';

/** Columns padded to their widest cell; the last column is not padded. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** 4096 → "4K", 2^32 → "4G", 100 → "100": the way lspci prints sizes. */
export function formatSize(bytes: number): string {
  const units = ['', 'K', 'M', 'G', 'T'];
  let n = bytes;
  let i = 0;
  while (i < units.length - 1 && n >= 1024 && n % 1024 === 0) {
    n /= 1024;
    i++;
  }
  return `${n}${units[i]}`;
}

function linkText(link: PcieLink | null): string {
  if (!link) return '-';
  const one = (speed: string | null, width: number | null) => `${speed?.replace(/ PCIe$/, '') ?? '?'} x${width ?? '?'}`;
  return `${one(link.currentSpeed, link.currentWidth)} / ${one(link.maxSpeed, link.maxWidth)}`;
}

/** As lspci names it: "NVIDIA Corporation TU117GL [T600]", "NVIDIA Corporation Device 10fa", "Device 1234:1111". */
function deviceName(d: PciDevice): string {
  if (!d.vendor.name) return `Device ${d.vendor.id}:${d.device.id}`;
  return `${d.vendor.name} ${d.device.name ?? `Device ${d.device.id}`}`;
}

function slotRows(slot: SlotView): string[][] {
  const s = slot.slot;
  const power = s.powerBudgetW === null ? '-' : `${s.powerBudgetW} W (desktop ${DESKTOP_SLOT_POWER_W} W)`;
  const head = [s.id, s.name, slot.rootPort?.address ?? '-'];
  if (slot.devices.length === 0) return [[...head, '(empty)', '-', linkText(slot.rootPort?.link ?? null), power]];
  return slot.devices.map((d, i) => [
    ...(i === 0 ? head : ['', '', '']),
    `${d.address} ${deviceName(d)}`,
    d.driver ?? '-',
    linkText(d.link ?? slot.rootPort?.link ?? null),
    i === 0 ? power : '',
  ]);
}

function barType(b: Bar): string {
  if (b.kind === 'rom') return 'ROM';
  if (b.io) return 'I/O';
  return `${b.is64 ? '64' : '32'}-bit${b.prefetchable ? ' prefetchable' : ''}`;
}

function barLabel(b: Bar): string {
  if (b.kind === 'rom') return 'ROM';
  if (b.kind === 'iov') return `VF${b.index - 7}`;
  return `BAR${b.index}`;
}

/** The human view of `jetvm scan`: slots, devices, IOMMU groups, BARs, then warnings. */
export function scanText(mode: string, snapshot: HostSnapshot, view: BoardView): string {
  const out: string[] = [];
  out.push(`jetvm scan: ${snapshot.root} (${mode})  kernel ${snapshot.kernelRelease ?? 'unknown'}  board: ${view.board.name}`);
  const v = snapshot.vfio;
  const unsafe = v.allowUnsafeInterrupts === null ? 'not loaded' : v.allowUnsafeInterrupts ? 'Y' : 'N';
  out.push(`vfio: /dev/vfio/vfio ${v.containerNode ? 'present' : 'absent'}, vfio-pci driver ${v.vfioPciDriver ? 'registered' : 'absent'}, allow_unsafe_interrupts ${unsafe}`);

  out.push('', 'SLOTS');
  out.push(table(['SLOT', 'NAME', 'ROOT PORT', 'DEVICE', 'DRIVER', 'LINK (cur / max)', 'POWER'], view.slots.flatMap(slotRows)));
  if (view.unplaced.length > 0) out.push(`not in a slot: ${view.unplaced.join(', ')}`);

  out.push('', 'DEVICES');
  out.push(
    table(
      ['ADDRESS', 'CLASS', 'IDS', 'NAME', 'DRIVER', 'GROUP', 'ROOT PORT'],
      snapshot.devices.map((d) => [
        d.address,
        d.class.subclassName ?? d.class.code,
        `${d.vendor.id}:${d.device.id}`,
        deviceName(d),
        d.driver ?? '-',
        d.iommuGroup === null ? '-' : String(d.iommuGroup),
        d.rootPort ?? '-',
      ]),
    ),
  );

  out.push('', 'IOMMU GROUPS');
  out.push(
    table(
      ['GROUP', '/dev/vfio', 'MEMBERS'],
      snapshot.groups.map((g) => [
        String(g.id),
        g.vfioNode ? 'yes' : 'no',
        g.members.map((m) => `${m.name}${m.kind === 'platform' ? ' (platform)' : ''} [${m.driver ?? 'no driver'}]`).join(', '),
      ]),
    ),
  );

  out.push('', 'BARS');
  const bars = snapshot.devices.flatMap((d) => d.bars.map((b) => [d.address, barLabel(b), barType(b), b.start, formatSize(b.size)]));
  out.push(table(['ADDRESS', 'BAR', 'TYPE', 'START', 'SIZE'], bars));

  out.push('', `WARNINGS (${snapshot.warnings.length})`);
  for (const w of snapshot.warnings) out.push(`${w.path}: ${w.message}`);
  return `${out.join('\n')}\n`;
}
