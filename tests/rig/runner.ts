// The one way tests boot the kernel rig (tests/rig/rig.sh): a real arm64 kernel with an SMMUv3 IOMMU,
// vfio-pci and real PCI drivers under QEMU. The rig builds itself into JETVM_RIG_CACHE on first use
// (scripts/test.sh builds it before vitest, so parallel test files find it ready).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const RIG_DIR = path.dirname(fileURLToPath(import.meta.url));
const RIG_SH = path.join(RIG_DIR, 'rig.sh');

/** The guest script that prints the PCI sysfs as a base64 .tar.gz between @@TAR-BEGIN and @@TAR-END lines. */
export const CAPTURE_SCRIPT = path.join(RIG_DIR, 'capture.sh');

/** A QEMU guest on a loaded 2-core machine can be slow: the guest gets this long (seconds) unless JETVM_RIG_TIMEOUT says. */
const GUEST_TIMEOUT_S = 480;

/**
 * Runs a busybox script as root in the rig's guest and returns what it printed.
 * topology: a name in tests/rig/topologies (default `gpu`) or a topology file.
 * Throws, with the rig's own message, when the guest cannot boot, times out or the script exits non-zero.
 */
export function runRig(script: string, topology = 'gpu'): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-rig-script-'));
  try {
    const file = path.join(tmp, 'script.sh');
    fs.writeFileSync(file, script);
    const guestTimeout = Number(process.env.JETVM_RIG_TIMEOUT ?? GUEST_TIMEOUT_S);
    return execFileSync(RIG_SH, ['run', '-t', topology, file], {
      encoding: 'utf8',
      env: { ...process.env, JETVM_RIG_TIMEOUT: String(guestTimeout) },
      maxBuffer: 64 << 20,
      timeout: (guestTimeout + 60) * 1000, // a build on first use, then the guest
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
