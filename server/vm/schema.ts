// The edge: zod shapes for VM definitions, then filesystem checks on the paths they name.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { pciAddressSchema } from '../../common/pci-address';
import { autostartSchema } from './autostart-schema';
import { cloudInitSchema } from './cloud-init';
import { networkSchema } from './network';
import { machineOptionError } from '../../common/machine-options';
import { inputIssues, issueLine, type InputIssue } from '../../common/errors';
import { DomainError } from '../errors';
import { imagePathProblem } from './image-dirs';

export const VM_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;
export const LIMITS = {
  memoryMiB: { min: 64, max: 65536 }, // AGX Orin 64 GB module
  vcpus: { min: 1, max: 12 }, // AGX Orin: 12 Cortex-A78AE cores
  cmdline: 1024,
  path: 4096,
  disks: 8,
  devices: 16,
  machineOptions: 16,
  cdroms: 4,
} as const;

export const vmNameSchema = z.string().regex(VM_NAME, 'a VM name is 1–32 characters: lower-case letters, digits and "-", starting with a letter or digit');

const pathSchema = z
  .string()
  .min(1, 'is empty')
  .max(LIMITS.path, `is longer than ${LIMITS.path} characters`)
  .refine((p) => !/[\0\n\r]/.test(p), 'must not contain NUL or newline characters')
  .refine((p) => path.isAbsolute(p), 'must be an absolute path')
  .transform((p) => path.resolve(p));


const machineOptionSchema = z.string().superRefine((opt, ctx) => {
  const err = machineOptionError(opt);
  if (err) ctx.addIssue({ code: 'custom', message: err });
});

const fields = {
  firmware: z.enum(['kernel', 'uefi']).default('kernel'),
  /** needed with firmware 'kernel' (see shapeIssues) */
  kernel: pathSchema.nullable().default(null),
  initrd: pathSchema.nullable().default(null),
  disks: z
    .array(z.strictObject({ path: pathSchema, format: z.enum(['raw', 'qcow2']), readOnly: z.boolean().optional() }))
    .max(LIMITS.disks)
    .default([]),
  memoryMiB: z.int().min(LIMITS.memoryMiB.min).max(LIMITS.memoryMiB.max),
  vcpus: z.int().min(LIMITS.vcpus.min).max(LIMITS.vcpus.max),
  cmdline: z
    .string()
    .max(LIMITS.cmdline, `is longer than ${LIMITS.cmdline} characters`)
    .refine((s) => /^[\x20-\x7e]*$/.test(s), 'must be printable ASCII on one line (no newline, NUL or control characters)')
    .default(''),
  devices: z
    .array(pciAddressSchema)
    .max(LIMITS.devices)
    .refine((a) => new Set(a).size === a.length, 'lists a device twice')
    .default([]),
  pciNomsi: z.boolean().default(false),
  accel: z.enum(['auto', 'kvm', 'tcg']).default('auto'),
  machineOptions: z
    .array(machineOptionSchema)
    .max(LIMITS.machineOptions)
    .refine((o) => new Set(o.map((x) => x.split('=')[0])).size === o.length, 'sets a machine option twice')
    .default([]),
  onStop: z.enum(['keep', 'return']).default('keep'),
  cdroms: z.array(pathSchema).max(LIMITS.cdroms).default([]),
  boot: z.enum(['disk', 'cdrom']).default('disk'),
  network: networkSchema.default({ mode: 'user', bridge: null, mac: null, forwards: [] }),
  cloudInit: cloudInitSchema.nullable().default(null),
  autostart: autostartSchema.default({ enabled: false, order: 0, delaySeconds: 0 }),
};

export const vmCreateSchema = z.strictObject({ name: vmNameSchema, ...fields });
/** A patch: only the fields sent, so no defaults (a default would overwrite the stored value of a field left out). */
export const vmUpdateSchema = z
  .strictObject(Object.fromEntries(Object.entries(fields).map(([k, s]) => [k, s instanceof z.ZodDefault ? s.unwrap() : s])) as { [K in keyof typeof fields]: (typeof fields)[K] extends z.ZodDefault<infer T> ? T : (typeof fields)[K] })
  .partial();
export type VmCreateInput = z.input<typeof vmCreateSchema>;
export type VmUpdateInput = z.input<typeof vmUpdateSchema>;

export class VmInputError extends DomainError {
  readonly kind = 'bad-input';
  readonly code = 'vm-input';
  constructor(readonly issues: InputIssue[]) {
    super(issues.map(issueLine).join('; '));
    this.name = 'VmInputError';
  }
}

export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const r = schema.safeParse(input);
  if (!r.success) throw new VmInputError(inputIssues(r.error));
  return r.data;
}

const QCOW2_MAGIC = Buffer.from('QFI\xfb', 'latin1');

/** Why the file cannot serve, or null. Reads at most 4 bytes. */
export function fileProblem(file: string, format?: 'raw' | 'qcow2'): string | null {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return `${file} does not exist`;
  }
  if (!st.isFile()) return `${file} is not a regular file`;
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch {
    return `${file} is not readable`;
  }
  if (!format) return null;
  const head = Buffer.alloc(4);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, 4, 0);
  } finally {
    fs.closeSync(fd);
  }
  const isQcow2 = head.equals(QCOW2_MAGIC);
  if (format === 'qcow2' && !isQcow2) return `${file} is not a qcow2 image`;
  if (format === 'raw' && isQcow2) return `${file} is a qcow2 image, not raw`;
  return null;
}

/** Rules across fields: what each way of booting needs. */
export function shapeIssues(def: { firmware?: 'kernel' | 'uefi'; kernel: string | null; disks: unknown[]; cdroms?: string[] }): InputIssue[] {
  if (def.firmware === 'uefi') {
    return def.disks.length || def.cdroms?.length ? [] : [{ path: ['disks'], message: 'UEFI boots from a disk or a CD-ROM: add one' }];
  }
  return def.kernel ? [] : [{ path: ['kernel'], message: 'a kernel image is needed to boot with -kernel (or choose UEFI firmware)' }];
}

/** Every path of a parsed definition checked on disk and against the image directories; the issues, empty when all are usable. */
export function fileIssues(
  def: { kernel: string | null; initrd: string | null; disks: Array<{ path: string; format: 'raw' | 'qcow2' }>; cdroms?: string[] },
  imageDirs: readonly string[],
): InputIssue[] {
  const issues: InputIssue[] = [];
  const problem = (file: string, format?: 'raw' | 'qcow2') => imagePathProblem(file, imageDirs) ?? fileProblem(file, format);
  const k = def.kernel ? problem(def.kernel) : null;
  if (k) issues.push({ path: ['kernel'], message: k });
  const i = def.initrd ? problem(def.initrd) : null;
  if (i) issues.push({ path: ['initrd'], message: i });
  def.disks.forEach((d, n) => {
    const p = problem(d.path, d.format);
    if (p) issues.push({ path: ['disks', n], message: p });
  });
  (def.cdroms ?? []).forEach((c, n) => {
    const p = problem(c);
    if (p) issues.push({ path: ['cdroms', n], message: p });
  });
  if (new Set(def.disks.map((d) => d.path)).size !== def.disks.length) issues.push({ path: ['disks'], message: 'the same image is listed twice' });
  return issues;
}
