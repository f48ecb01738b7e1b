// Probes what a QEMU binary offers on a machine (its facts from server/host/machine-facts.ts); the pure
// builder and checks read the result.
import fs from 'node:fs';
import path from 'node:path';
import type { Host } from '../host/host';
import { readMachineFacts, type MachineFacts } from '../host/machine-facts';
import { qemuVersion } from './qemu-version';
import type { QemuCaps } from './types';

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

/** Whether KVM can run an aarch64 guest on that machine, and why not in plain words. */
export function kvmForAarch64(m: Pick<MachineFacts, 'arch' | 'kvm'>): { usable: boolean; reason: string | null } {
  if (m.arch !== 'arm64') return { usable: false, reason: `KVM runs an aarch64 guest only on an arm64 host (this host is ${m.arch ?? 'of unknown architecture'})` };
  if (m.kvm === 'missing') return { usable: false, reason: '/dev/kvm does not exist (KVM not enabled in the kernel)' };
  if (m.kvm === 'no-access') return { usable: false, reason: '/dev/kvm is not read/write for this user (add it to the kvm group)' };
  return { usable: true, reason: null };
}

/** The machine this process runs on, where it runs QEMU (the stand-ins too, in sim mode). */
export const THIS_MACHINE = { root: '/' } as const;

/** The part of QemuCaps a machine's facts decide (KVM, architecture, memory locking), whichever QEMU runs there. */
export function machineCaps(machine: MachineFacts): Omit<QemuCaps, 'binary' | 'version'> {
  const kvm = kvmForAarch64(machine);
  return {
    hostArch: machine.arch ?? process.arch,
    kvmUsable: kvm.usable,
    kvmReason: kvm.reason,
    hostIpaBits: machine.ipaBits,
    memlockBytes: machine.memlockBytes ?? null,
    capIpcLock: machine.capIpcLock,
  };
}

/** What QEMU (`binary`) can do on `machine`: its version, and the machine facts a start depends on. */
export async function probeCaps(binary: string, machine: MachineFacts = readMachineFacts(THIS_MACHINE)): Promise<QemuCaps> {
  return { binary, version: (await qemuVersion(binary))?.short ?? null, ...machineCaps(machine) };
}

/**
 * What the same QEMU can do on the Jetson this host stands for: the simulated board's facts in sim
 * mode (what the "on the Jetson" command line is built for), this machine's caps in real mode.
 */
export function jetsonCaps(caps: QemuCaps, host: Pick<Host, 'root' | 'mode'>): QemuCaps {
  return host.mode === 'sim' ? { ...caps, ...machineCaps(readMachineFacts(host)) } : caps;
}
