// Probes what this machine's QEMU and kernel offer (effects; the pure builder and checks read the result).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { QemuCaps } from './types';

export function qemuVersion(binary: string): string | null {
  try {
    const out = execFileSync(binary, ['--version'], { timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    return /version (\d+\.\d+(?:\.\d+)?)/.exec(out)?.[1] ?? null;
  } catch {
    return null;
  }
}

/** The absolute path a shell would run for `binary` (looked up in PATH when it has no slash); null when none. */
export function resolveExecutable(binary: string, searchPath = process.env.PATH ?? ''): string | null {
  const candidates = binary.includes('/') ? [path.resolve(binary)] : searchPath.split(':').filter(Boolean).map((dir) => path.resolve(dir, binary));
  for (const file of candidates) {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not this one
    }
  }
  return null;
}

/** RLIMIT_MEMLOCK soft limit of this process from /proc/self/limits; null = unlimited (or unknown). */
export function parseMemlock(limits: string): number | null {
  const line = limits.split('\n').find((l) => l.startsWith('Max locked memory'));
  const soft = line?.slice('Max locked memory'.length).trim().split(/\s+/)[0];
  if (!soft || soft === 'unlimited') return null;
  const n = Number(soft);
  return Number.isFinite(n) ? n : null;
}

/** CAP_IPC_LOCK (bit 14) in the effective set, from /proc/self/status. */
export function parseCapIpcLock(status: string): boolean {
  const hex = /^CapEff:\s*([0-9a-f]+)/im.exec(status)?.[1];
  return hex ? (BigInt(`0x${hex}`) & (1n << 14n)) !== 0n : false;
}

export function kvmUsability(arch: string, devKvm = '/dev/kvm'): { usable: boolean; reason: string | null } {
  if (arch !== 'arm64') return { usable: false, reason: `KVM runs an aarch64 guest only on an arm64 host (this host is ${arch})` };
  try {
    fs.accessSync(devKvm, fs.constants.R_OK | fs.constants.W_OK);
    return { usable: true, reason: null };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { usable: false, reason: code === 'ENOENT' ? `${devKvm} does not exist (KVM not enabled in the kernel)` : `${devKvm} is not read/write for this user (add it to the kvm group)` };
  }
}

/** "kvm [1]: IPA Size Limit: 48 bits" from the kernel log, on arm64 hosts only; null when unreadable. */
function hostIpaBits(arch: string): number | null {
  if (arch !== 'arm64') return null;
  try {
    const log = execFileSync('dmesg', [], { timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    const m = /IPA Size Limit:\s*(\d+)\s*bits/.exec(log);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

export function probeCaps(binary: string): QemuCaps {
  const arch = process.arch;
  const kvm = kvmUsability(arch);
  return {
    binary,
    version: qemuVersion(binary),
    hostArch: arch,
    kvmUsable: kvm.usable,
    kvmReason: kvm.reason,
    hostIpaBits: hostIpaBits(arch),
    memlockBytes: parseMemlock(readOr('/proc/self/limits', '')),
    capIpcLock: parseCapIpcLock(readOr('/proc/self/status', '')),
  };
}
