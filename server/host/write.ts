// The only sysfs writer. Every write is checked against a small allowlist of PCI binding files
// (path AND value) before any I/O, performed as ONE write(2) of "value\n" (what `echo value > file`
// does; the kernel strips the newline, and a lone "\n" is what clears driver_override — an empty
// write(2) never reaches the kernel's store function), and logged with the kernel's errno text.
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { z } from 'zod';
import { log } from '../log';
import { PCI_ADDRESS_PATTERN as ADDRESS, asPciAddress, strictPciAddressSchema } from '../../common/pci-address';
import type { HostMode, PciAddress, WriteResult } from './types';

const DRIVER = '[A-Za-z0-9_][A-Za-z0-9_.+-]{0,63}';

export const driverNameSchema = z
  .string()
  .regex(new RegExp(`^${DRIVER}$`), 'a driver name is 1-64 letters, digits, "_", "-", "." or "+", e.g. vfio-pci');
/** new_id / remove_id: "vvvv dddd", four hex digits each */
export const pciIdPairSchema = z
  .string()
  .regex(/^[0-9a-f]{4} [0-9a-f]{4}$/, 'an id is "vvvv dddd": vendor and device as four lower-case hex digits');

/** One allowlisted write, parsed. */
export type WriteOp =
  | { kind: 'driver_override'; address: PciAddress; driver: string | null }
  | { kind: 'device_unbind'; address: PciAddress }
  | { kind: 'driver_bind' | 'driver_unbind'; driver: string; address: PciAddress }
  | { kind: 'new_id' | 'remove_id'; driver: string; vendor: string; device: string }
  | { kind: 'drivers_probe'; address: PciAddress };

export class WriteRefusedError extends Error {
  constructor(
    readonly path: string,
    readonly value: string,
    reason: string,
  ) {
    super(`refused to write ${JSON.stringify(value)} to ${JSON.stringify(path)}: ${reason}`);
    this.name = 'WriteRefusedError';
  }
}

const PATHS: { re: RegExp; op: (m: RegExpMatchArray, value: string) => WriteOp }[] = [
  {
    re: new RegExp(`^sys/bus/pci/devices/(${ADDRESS})/driver_override$`),
    op: (m, v) => ({ kind: 'driver_override', address: asPciAddress(m[1]), driver: v === '' ? null : check(driverNameSchema, v) }),
  },
  {
    re: new RegExp(`^sys/bus/pci/devices/(${ADDRESS})/driver/unbind$`),
    op: (m, v) => {
      if (check(strictPciAddressSchema, v) !== m[1]) throw new Error(`the value must be the device's own address ${m[1]}`);
      return { kind: 'device_unbind', address: asPciAddress(m[1]) };
    },
  },
  {
    re: new RegExp(`^sys/bus/pci/drivers/(${DRIVER})/(bind|unbind)$`),
    op: (m, v) => ({ kind: m[2] === 'bind' ? 'driver_bind' : 'driver_unbind', driver: m[1], address: check(strictPciAddressSchema, v) }),
  },
  {
    re: new RegExp(`^sys/bus/pci/drivers/(${DRIVER})/(new_id|remove_id)$`),
    op: (m, v) => {
      const [vendor, device] = check(pciIdPairSchema, v).split(' ');
      return { kind: m[2] === 'new_id' ? 'new_id' : 'remove_id', driver: m[1], vendor, device };
    },
  },
  { re: /^sys\/bus\/pci\/drivers_probe$/, op: (_m, v) => ({ kind: 'drivers_probe', address: check(strictPciAddressSchema, v) }) },
];

function check<S extends z.ZodType>(schema: S, value: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new Error(`${JSON.stringify(value)} is not valid: ${r.error.issues[0]?.message}`);
  return r.data;
}

/** The value as the caller means it: one trailing newline (as from `echo`) is tolerated and dropped. */
export function normalizeValue(value: string): string {
  return value.endsWith('\n') ? value.slice(0, -1) : value;
}

/** Parses and validates a write; throws WriteRefusedError for anything outside the allowlist. */
export function parseWrite(relPath: string, value: string): WriteOp {
  if (typeof relPath !== 'string' || typeof value !== 'string') throw new WriteRefusedError(String(relPath), String(value), 'path and value must be strings');
  const v = normalizeValue(value);
  if (/[\0\n\r]/.test(v)) throw new WriteRefusedError(relPath, value, 'the value must be a single line without NUL');
  const rule = PATHS.find((p) => p.re.test(relPath));
  if (!rule) {
    throw new WriteRefusedError(
      relPath,
      value,
      'only sys/bus/pci/devices/<addr>/{driver_override,driver/unbind}, sys/bus/pci/drivers/<driver>/{bind,unbind,new_id,remove_id} and sys/bus/pci/drivers_probe may be written (relative to the root, lower-case address)',
    );
  }
  try {
    return rule.op(relPath.match(rule.re)!, v);
  } catch (e) {
    throw new WriteRefusedError(relPath, value, (e as Error).message);
  }
}

// strerror(3) wording (what `echo` prints), which is clearer than libuv's lower-case variants.
const ERRNO_TEXT: Record<string, string> = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  EIO: 'Input/output error',
  ENXIO: 'No such device or address',
  EAGAIN: 'Resource temporarily unavailable',
  ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied',
  EBUSY: 'Device or resource busy',
  EEXIST: 'File exists',
  ENODEV: 'No such device',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EINVAL: 'Invalid argument',
  ENOSPC: 'No space left on device',
  EROFS: 'Read-only file system',
  ENAMETOOLONG: 'File name too long',
  ELOOP: 'Too many levels of symbolic links',
};

export function errnoMessage(code: string): string {
  if (ERRNO_TEXT[code]) return ERRNO_TEXT[code];
  for (const [name, text] of util.getSystemErrorMap().values()) {
    if (name === code) return text.charAt(0).toUpperCase() + text.slice(1);
  }
  return code;
}

/** errno name for a strerror text ("No such device" → "ENODEV"); undefined when unknown. */
export function errnoFromMessage(message: string): string | undefined {
  const m = message.trim().toLowerCase();
  return Object.keys(ERRNO_TEXT).find((k) => ERRNO_TEXT[k].toLowerCase() === m);
}

export function okResult(relPath: string, value: string): WriteResult {
  return { path: relPath, value, ok: true };
}

export function errnoResult(relPath: string, value: string, code: string): WriteResult {
  return { path: relPath, value, ok: false, errno: code, message: errnoMessage(code) };
}

/** Writes data with one write(2), as the kernel expects; never creates a file. */
export function writeFileOnce(absPath: string, data: string): string | null {
  let fd: number | undefined;
  try {
    fd = fs.openSync(absPath, fs.constants.O_WRONLY | fs.constants.O_TRUNC);
    fs.writeSync(fd, Buffer.from(data, 'latin1'));
    return null;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? 'EIO';
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Performs what `echo "value" > <root>/<relPath>` would, returning the errno as a WriteResult. */
export type WriteBackend = (relPath: string, data: string) => WriteResult;

export function fileBackend(root: string): WriteBackend {
  if (!path.isAbsolute(root)) throw new Error(`sysfs root must be an absolute path, not ${JSON.stringify(root)}`);
  return (relPath, data) => {
    const code = writeFileOnce(path.join(root, relPath), data);
    const value = normalizeValue(data);
    return code ? errnoResult(relPath, value, code) : okResult(relPath, value);
  };
}

/**
 * Validates (throwing WriteRefusedError before any I/O), writes "value\n" through the backend and
 * logs the outcome. Kernel refusals come back in the result, never as exceptions.
 */
export function performWrite(backend: WriteBackend, mode: HostMode, root: string, relPath: string, value: string): WriteResult {
  let op: WriteOp;
  try {
    op = parseWrite(relPath, value);
  } catch (e) {
    log.warn({ mode, root, path: relPath, value, err: (e as Error).message }, 'sysfs write refused');
    throw e;
  }
  const v = normalizeValue(value);
  const result = { ...backend(relPath, `${v}\n`), value: v };
  const fields = { mode, root, path: relPath, value: v, op: op.kind, ok: result.ok, errno: result.errno, message: result.message };
  if (result.ok) log.info(fields, 'sysfs write');
  else log.warn(fields, 'sysfs write failed');
  return result;
}

/** The real writer: root "/" on a Jetson; tests use a temp tree. */
export function writeSysfs(root: string, relPath: string, value: string, mode: HostMode = 'real'): WriteResult {
  return performWrite(fileBackend(root), mode, root, relPath, value);
}
