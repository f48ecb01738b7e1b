// The one read of `qemu-system-aarch64 --version` (cached per binary by programVersion): the short
// form the argv builder and checks compare, and the full line preflight shows.
import { programVersion } from '../proc/run';

export interface QemuVersion {
  /** "7.2.22": what machine options are compared against */
  short: string | null;
  /** "7.2.22 (Debian 1:7.2+dfsg-7+deb12u16)": what preflight shows */
  full: string;
}

/** "QEMU emulator version 7.2.22 (Debian …)" → both forms; null for an empty line. */
export function parseQemuVersion(firstLine: string): QemuVersion | null {
  const full = firstLine.replace(/^QEMU emulator version\s*/, '').trim();
  if (!full) return null;
  return { short: /(\d+\.\d+(?:\.\d+)?)/.exec(full)?.[1] ?? null, full };
}

/** The version of QEMU `binary`; null when it cannot be run. */
export async function qemuVersion(binary: string): Promise<QemuVersion | null> {
  const line = await programVersion(binary);
  return line === null ? null : parseQemuVersion(line);
}
