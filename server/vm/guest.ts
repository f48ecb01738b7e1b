import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectDir } from '../project-dir';

export interface GuestPaths {
  /** the cache directory the build script writes to */
  dir: string;
  /** Debian's arm64 kernel (an uncompressed arm64 Image) */
  kernel: string;
  initrd: string;
  /** a raw GPT disk: an EFI system partition with GRUB, the kernel and the initramfs (the UEFI demo) */
  efiDisk: string;
}

export const BUILD_SCRIPT = path.join(projectDir, 'scripts/build-demo-guest.sh');

/** Where scripts/build-demo-guest.sh puts the demo guest (JETVM_GUEST_CACHE, default ~/.cache/jetvm/guest). */
export function guestPaths(env: Record<string, string | undefined> = process.env): GuestPaths {
  return guestPathsIn(path.resolve(env.JETVM_GUEST_CACHE || path.join(os.homedir(), '.cache', 'jetvm', 'guest')));
}

/** The demo guests' files in a cache directory (the configuration's guestDir). */
export function guestPathsIn(dir: string): GuestPaths {
  return { dir, kernel: path.join(dir, 'Image'), initrd: path.join(dir, 'initrd.gz'), efiDisk: path.join(dir, 'efi-disk.img') };
}

export function guestBuilt(paths: GuestPaths = guestPaths()): boolean {
  return fs.existsSync(paths.kernel) && fs.existsSync(paths.initrd) && fs.existsSync(paths.efiDisk);
}

/** Runs the build script (fast when cached); throws with the script's output when it fails. */
export function buildGuest(env: NodeJS.ProcessEnv = process.env): GuestPaths {
  try {
    execFileSync('bash', [BUILD_SCRIPT], { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 15 * 60_000 });
  } catch (err) {
    const e = err as { stderr?: Buffer; stdout?: Buffer; message: string };
    throw new Error(`building the demo guest failed: ${e.stderr?.toString().trim() || e.message}`);
  }
  return guestPaths(env);
}
