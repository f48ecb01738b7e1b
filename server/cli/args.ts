import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ORIN_SLOTS } from '../host/boards/orin-devkit';

export const USAGE = `usage: jetvm scan [--sysfs-root DIR] [--json]
       jetvm overlay [--dtb FILE] [--check] TARGET...

  scan                 read the host's PCI devices, IOMMU groups, BARs and slots
    --sysfs-root DIR   scan this sysfs-shaped tree (DIR/sys/bus/pci/...) instead of the host
                       (default: the real host on a Jetson or with JETVM_HOST=real,
                       otherwise the simulated Orin in JETVM_DATA_DIR)
    --json             print JSON (shape: docs/cli.md) instead of tables
  overlay              print the device-tree overlay (dts) that takes these PCIe controllers out
                       of their IOMMU groups, derived from the tree: by label when it has one,
                       by full path otherwise
    TARGET             a controller (141a0000.pcie), a PCI address below it (0005:01:00.0)
                       or an Orin devkit slot (x8, m2e, m2m)
    --dtb FILE         derive it from this flattened device tree (.dtb) instead of the
                       configured host's booted tree (/sys/firmware/fdt)
    --check            also compile it, apply it to that tree with fdtoverlay and report:
                       iommus empty on every target, nothing else changed
  help                 print this text`;

/** Bad command-line input: printed with the usage text, exit status 2. */
export class UsageError extends Error {}

export type Command =
  | { kind: 'help' }
  | { kind: 'scan'; sysfsRoot: string | null; json: boolean }
  | { kind: 'overlay'; dtb: string | null; check: boolean; targets: OverlayTarget[] };

/** A TARGET of `jetvm overlay`, sorted out by its shape. */
export type OverlayTarget = { kind: 'controller'; name: string } | { kind: 'pci'; address: string; domain: number } | { kind: 'slot'; id: string };

const CONTROLLER = /^[0-9a-f]{1,16}\.[a-z][a-z0-9,._+-]*$/;
const PCI = /^([0-9a-f]{4}):[0-9a-f]{2}:[01][0-9a-f]\.[0-7]$/;

function overlayTarget(raw: string, slots: readonly string[]): OverlayTarget {
  const t = raw.trim().toLowerCase();
  const pci = PCI.exec(t);
  if (pci) return { kind: 'pci', address: t, domain: parseInt(pci[1], 16) };
  if (CONTROLLER.test(t)) return { kind: 'controller', name: t };
  if (slots.includes(t)) return { kind: 'slot', id: t };
  throw new UsageError(`${JSON.stringify(raw)} is not a target: give a controller (141a0000.pcie), a PCI address (0005:01:00.0) or a slot (${slots.join(', ')})`);
}

function parseOverlay(rest: string[], cwd: string, slots: readonly string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { dtb: { type: 'string' }, check: { type: 'boolean' } }, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]);
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0) throw new UsageError('overlay needs at least one TARGET');
  if (positionals.length > 16) throw new UsageError('overlay takes at most 16 targets');
  const dtb = values.dtb === undefined ? null : path.resolve(cwd, values.dtb);
  if (values.dtb !== undefined && (values.dtb === '' || values.dtb.includes('\0'))) throw new UsageError('--dtb needs a file');
  if (dtb !== null && !isFile(dtb)) throw new UsageError(`--dtb ${values.dtb}: not a file`);
  return { kind: 'overlay', dtb, check: values.check ?? false, targets: positionals.map((p) => overlayTarget(p, slots)) };
}

const scanOptions = z.object({
  'sysfs-root': z
    .string()
    .min(1, '--sysfs-root needs a directory')
    .refine((p) => !p.includes('\0'), '--sysfs-root must not contain NUL bytes')
    .optional(),
  json: z.boolean().optional(),
});

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function parseCommand(argv: string[], cwd = process.cwd()): Command {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') return { kind: 'help' };
  if (name === 'overlay') return parseOverlay(rest, cwd, ORIN_SLOTS.map((s) => s.id));
  if (name !== 'scan') throw new UsageError(`unknown command ${JSON.stringify(name)}`);
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { 'sysfs-root': { type: 'string' }, json: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]);
  }
  const parsed = scanOptions.safeParse(values);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join('; '));
  const raw = parsed.data['sysfs-root'];
  const sysfsRoot = raw === undefined ? null : path.resolve(cwd, raw);
  if (sysfsRoot !== null && !isDirectory(sysfsRoot)) throw new UsageError(`--sysfs-root ${raw}: not a directory`);
  return { kind: 'scan', sysfsRoot, json: parsed.data.json ?? false };
}
