import fs from 'node:fs';
import path from 'node:path';
import type { PciAddress, ScanWarning } from '../types';

/**
 * Read-only access to a sysfs-shaped tree. Every path is relative to the root; nothing outside
 * the root is ever read (a link that leads out is reported, not followed). Failures become
 * warnings with the relative path and the OS's message, never exceptions.
 */
export class Tree {
  readonly root: string;
  readonly warnings: ScanWarning[] = [];

  /** the root with a trailing slash, to prefix relative paths with */
  private readonly prefix: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.prefix = this.root === '/' ? '/' : `${this.root}/`;
  }

  /**
   * Relative paths here are built from names a listing or readlink returned and from fixed file
   * names, never from '..': plain concatenation (path.join's normalizing was 5% of a scan).
   */
  abs(rel: string): string {
    return rel === '' ? this.root : this.prefix + rel;
  }

  warn(rel: string, message: string, device?: PciAddress): string {
    this.warnings.push(device ? { device, path: rel, message } : { path: rel, message });
    return `${rel}: ${message}`;
  }

  /** Entry names of a directory, sorted; null when it does not exist (a warning too when `device` asks for one). */
  list(rel: string, opts: { warnIfMissing?: boolean; device?: PciAddress } = {}): string[] | null {
    try {
      return fs.readdirSync(this.abs(rel)).sort();
    } catch (err) {
      if (isCode(err, 'ENOENT') && !opts.warnIfMissing) return null;
      this.warn(rel, describe(err), opts.device);
      return null;
    }
  }

  has(rel: string): boolean {
    return fs.existsSync(this.abs(rel));
  }

  /** File content without the trailing newline; null when absent (silently) or unreadable (with a warning). */
  text(rel: string, device?: PciAddress, encoding: BufferEncoding = 'utf8'): string | null {
    try {
      return fs.readFileSync(this.abs(rel), encoding).replace(/\n$/, '');
    } catch (err) {
      if (!isCode(err, 'ENOENT')) this.warn(rel, describe(err), device);
      return null;
    }
  }

  /**
   * A sysfs attribute (or any small file), trimmed: undefined when absent
   * (silently: the caller knows whether that matters), null when unreadable (with a warning).
   * The hot path of a scan: see readAttribute.
   */
  attribute(rel: string, device?: PciAddress): string | null | undefined {
    try {
      return readAttribute(this.abs(rel)).trim();
    } catch (err) {
      if (isCode(err, 'ENOENT')) return undefined;
      this.warn(rel, describe(err), device);
      return null;
    }
  }

  /** The target a symlink names, as written; null when it is not a link or is absent. */
  readlink(rel: string, device?: PciAddress): string | null {
    try {
      return fs.readlinkSync(this.abs(rel));
    } catch (err) {
      if (!isCode(err, 'ENOENT')) this.warn(rel, describe(err), device);
      return null;
    }
  }

  /** basename of a link's target: `driver` → "vfio-pci", `iommu_group` → "5". */
  linkBase(rel: string, device?: PciAddress): string | null {
    const target = this.readlink(rel, device);
    return target === null ? null : path.posix.basename(target);
  }

  /**
   * Where a link leads, relative to the root, resolving one level as the kernel's relative
   * links need. A directory that is not a link resolves to itself. null (with a warning) when
   * the target is missing (unless checkTarget is false: the caller finds out) or outside the root.
   */
  resolve(rel: string, device?: PciAddress, opts: { checkTarget?: boolean } = {}): string | null {
    let target: string;
    try {
      target = fs.readlinkSync(this.abs(rel));
    } catch (err) {
      if (isCode(err, 'EINVAL')) return rel; // a plain directory
      this.warn(rel, describe(err), device);
      return null;
    }
    // worked out relative to the root: an absolute target is read as relative to the root too
    const joined = target.startsWith('/') ? path.posix.normalize(target.slice(1)) : path.posix.join(path.posix.dirname(rel), target);
    const inside = joined === '.' ? '' : joined;
    if (inside.startsWith('..')) {
      this.warn(rel, `link target ${target} is outside the sysfs root; not followed`, device);
      return null;
    }
    if (opts.checkTarget !== false && !fs.existsSync(this.abs(inside))) {
      this.warn(rel, `dangling link: ${target} does not exist`, device);
      return null;
    }
    return inside;
  }
}

const attributeBuffer = Buffer.allocUnsafe(64 * 1024);

/**
 * open, one read, close: a sysfs attribute comes whole in its first read (at most a page), and a
 * short read of a regular file is its end. readFileSync would also fstat and read again for the
 * end; at a dozen attributes per device that is a quarter of a scan. Reads on while the buffer fills.
 */
function readAttribute(abs: string): string {
  const fd = fs.openSync(abs, fs.constants.O_RDONLY);
  try {
    let n = fs.readSync(fd, attributeBuffer, 0, attributeBuffer.length, null);
    if (n < attributeBuffer.length) return attributeBuffer.toString('utf8', 0, n);
    const chunks = [Buffer.from(attributeBuffer)];
    while ((n = fs.readSync(fd, attributeBuffer, 0, attributeBuffer.length, null)) > 0) chunks.push(Buffer.from(attributeBuffer.subarray(0, n)));
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

function isCode(err: unknown, code: string): boolean {
  return (err as NodeJS.ErrnoException)?.code === code;
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ? `${e.code}: ${e.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '')}` : String(err);
}
