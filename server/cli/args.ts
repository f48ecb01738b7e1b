import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';

export const USAGE = `usage: jetvm scan [--sysfs-root DIR] [--json]

  scan                 read the host's PCI devices, IOMMU groups, BARs and slots
    --sysfs-root DIR   scan this sysfs-shaped tree (DIR/sys/bus/pci/...) instead of the host
                       (default: the real host on a Jetson or with JETVM_HOST=real,
                       otherwise the simulated Orin in JETVM_DATA_DIR)
    --json             print JSON (shape: docs/cli.md) instead of tables
  help                 print this text`;

/** Bad command-line input: printed with the usage text, exit status 2. */
export class UsageError extends Error {}

export type Command = { kind: 'help' } | { kind: 'scan'; sysfsRoot: string | null; json: boolean };

const scanOptions = z.object({
  'sysfs-root': z
    .string()
    .min(1, '--sysfs-root needs a directory')
    .refine((p) => !p.includes('\0'), '--sysfs-root must not contain NUL bytes')
    .optional(),
  json: z.boolean().optional(),
});

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
