// Which files a VM may boot or attach: only regular files inside the configured image directories
// (JETVM_IMAGE_DIRS), after resolving symlinks. Never a device node, never a system file: without
// this an admin session (or anyone who steals one) could attach /etc/shadow or the host's disk.
import fs from 'node:fs';
import path from 'node:path';

/** Directories that are never image directories, nor inside one, whatever the configuration says. */
const SYSTEM_DIRS = ['/etc', '/proc', '/sys', '/dev', '/boot', '/run', '/usr', '/bin', '/sbin', '/lib', '/var/log'];

const inside = (file: string, dir: string) => {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/** Where VM files may come from: JETVM_IMAGE_DIRS (colon-separated absolute paths), else `<data dir>/images` and the demo guest's cache. */
export function parseImageDirs(raw: string | undefined, defaults: string[]): string[] {
  const dirs = raw?.trim() ? raw.split(':').filter(Boolean) : defaults;
  return dirs.map((d) => {
    if (!path.isAbsolute(d)) throw new Error(`JETVM_IMAGE_DIRS: ${JSON.stringify(d)} is not an absolute path`);
    const dir = path.resolve(d);
    if (dir === '/' || SYSTEM_DIRS.some((s) => inside(dir, s) || inside(s, dir))) throw new Error(`JETVM_IMAGE_DIRS: ${dir} is or holds a system directory; use a directory of your own, e.g. /srv/jetvm/images`);
    return dir;
  });
}

/** Why this file may not be used as a VM's kernel, initrd or disk, or null when it may. */
export function imagePathProblem(file: string, dirs: readonly string[]): string | null {
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch {
    return null; // missing: the existence check says so in its own words
  }
  const realDirs = dirs.map((d) => {
    try {
      return fs.realpathSync(d);
    } catch {
      return path.resolve(d);
    }
  });
  if (!realDirs.some((d) => inside(real, d)) || SYSTEM_DIRS.some((s) => inside(real, s))) {
    return `${file} is outside the image directories (${dirs.join(', ')}): put VM files there or set JETVM_IMAGE_DIRS`;
  }
  if (!fs.statSync(real).isFile()) return `${file} is not a regular file (device nodes, sockets and directories are refused)`;
  return null;
}

/**
 * Why a file may not be imported into the image directory (copied there by qemu-img), or null: an
 * import may come from anywhere the admin keeps downloads, but never from a system directory and
 * never a device node, or it would launder /etc/shadow or the host's disk into an image.
 */
export function importSourceProblem(file: string): string | null {
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch {
    return null; // missing: qemu-img says so
  }
  if (SYSTEM_DIRS.some((s) => inside(real, s))) return `${file} is in a system directory: images are not imported from there`;
  if (!fs.statSync(real).isFile()) return `${file} is not a regular file (device nodes are refused)`;
  return null;
}
