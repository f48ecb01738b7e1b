// What a machine has, read through its Host: the real one's /proc and /dev (root "/"), or the simulated
// board's (sim mode), never the development machine's in sim mode. The one home for these reads: the
// VM checks (through QemuCaps), the VM sizes (server/vm/sizing.ts) and preflight take them from here.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Host } from './host';
import { parseNvTegraRelease } from './nv-tegra-release';

export type KvmState = 'usable' | 'missing' | 'no-access';

export interface MachineFacts {
  /** the CPU architecture in process.arch's words ("arm64", "x64"); null when unknown */
  arch: string | null;
  /** /dev/kvm: read/write for this process, absent, or there but not ours */
  kvm: KvmState;
  /** the host's IPA size in bits (the kernel log's "IPA Size Limit", arm64 only); null when unknown */
  ipaBits: number | null;
  /** the soft RLIMIT_MEMLOCK of this process in bytes; null = unlimited, undefined = unknown */
  memlockBytes: number | null | undefined;
  /** CAP_IPC_LOCK in the effective set, so the memlock limit does not apply */
  capIpcLock: boolean;
  /** running as root (effective uid 0) */
  privileged: boolean;
  /** /proc/cmdline: what the kernel was booted with */
  kernelCmdline: string | null;
  /** "R36.4.2" from /etc/nv_tegra_release; null off a Jetson */
  l4tRelease: string | null;
  cpus: number | null;
  memoryBytes: number | null;
}

/** Soft "Max locked memory" from a /proc/<pid>/limits text: bytes, null for unlimited, undefined if absent. */
export function parseMemlock(limits: string): number | null | undefined {
  const line = limits.split('\n').find((l) => l.startsWith('Max locked memory'));
  const soft = line?.slice('Max locked memory'.length).trim().split(/\s+/)[0];
  if (soft === undefined) return undefined;
  if (soft === 'unlimited') return null;
  return /^\d+$/.test(soft) ? Number(soft) : undefined;
}

/** CAP_IPC_LOCK (bit 14) in the effective set, from /proc/<pid>/status. */
export function parseCapIpcLock(status: string): boolean {
  const hex = /^CapEff:\s*([0-9a-f]+)/im.exec(status)?.[1];
  return hex ? (BigInt(`0x${hex}`) & (1n << 14n)) !== 0n : false;
}

/** The effective uid from /proc/<pid>/status ("Uid: real effective saved fs"). */
export function parseEffectiveUid(status: string): number | null {
  const m = /^Uid:\s*\d+\s+(\d+)/m.exec(status);
  return m ? Number(m[1]) : null;
}

/** The kernel's machine name (uname -m, /proc/sys/kernel/arch) in process.arch's words. */
export function archOfMachine(machine: string): string {
  return ({ aarch64: 'arm64', x86_64: 'x64', armv7l: 'arm', riscv64: 'riscv64' } as Record<string, string>)[machine] ?? machine;
}

/** "kvm [1]: IPA Size Limit: 48 bits" in a kernel log. */
export function parseIpaBits(kernelLog: string): number | null {
  const m = /IPA Size Limit:\s*(\d+)\s*bits/.exec(kernelLog);
  return m ? Number(m[1]) : null;
}

function kvmState(file: string): KvmState {
  if (!fs.existsSync(file)) return 'missing';
  try {
    fs.accessSync(file, fs.constants.R_OK | fs.constants.W_OK);
    return 'usable';
  } catch {
    return 'no-access';
  }
}

/** The kernel log: `dmesg` on the machine itself, the `dmesg` file a snapshot or the simulated board carries otherwise. */
function kernelLog(root: string, read: (rel: string) => string | null): string | null {
  if (root !== '/') return read('dmesg');
  try {
    return execFileSync('dmesg', [], { timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  } catch {
    return null;
  }
}

/**
 * Reads the machine at host.root: "/" for the machine itself, a simulated board or a snapshot otherwise.
 * `kernelLog: false` leaves out the one fact that needs the kernel log (ipaBits, then null): on "/" that
 * is a `dmesg` child process, which a per-request reader such as preflight does not need.
 */
export function readMachineFacts(host: Pick<Host, 'root'>, opts: { kernelLog?: boolean } = {}): MachineFacts {
  const read = (rel: string): string | null => {
    try {
      return fs.readFileSync(path.join(host.root, rel), 'utf8');
    } catch {
      return null;
    }
  };
  const status = read('proc/self/status') ?? '';
  const limits = read('proc/self/limits');
  const machine = read('proc/sys/kernel/arch')?.trim();
  const arch = machine ? archOfMachine(machine) : null;
  const cpuinfo = read('proc/cpuinfo');
  const memKiB = /^MemTotal:\s*(\d+) kB/m.exec(read('proc/meminfo') ?? '')?.[1];
  const log = arch === 'arm64' && opts.kernelLog !== false ? kernelLog(host.root, read) : null;
  return {
    arch,
    kvm: kvmState(path.join(host.root, 'dev/kvm')),
    ipaBits: log === null ? null : parseIpaBits(log),
    memlockBytes: limits === null ? undefined : parseMemlock(limits),
    capIpcLock: parseCapIpcLock(status),
    privileged: parseEffectiveUid(status) === 0,
    kernelCmdline: read('proc/cmdline')?.trim() || null,
    l4tRelease: parseNvTegraRelease(read('etc/nv_tegra_release') ?? '')?.name ?? null,
    cpus: cpuinfo === null ? null : cpuinfo.split('\n').filter((l) => /^processor\s*:/.test(l)).length || null,
    memoryBytes: memKiB ? Number(memKiB) * 1024 : null,
  };
}
