import type { PciAddress } from '../host/types';

export type Accel = 'auto' | 'kvm' | 'tcg';
/** what happens to the passed devices when the VM stops: stay on vfio-pci, or go back to their host drivers */
export type StopPolicy = 'keep' | 'return';
export type DiskFormat = 'raw' | 'qcow2';

export interface VmDisk {
  path: string;
  format: DiskFormat;
}

/** A stored VM definition (validated; paths absolute). */
export interface VmDefinition {
  name: string;
  kernel: string;
  initrd: string | null;
  disks: VmDisk[];
  memoryMiB: number;
  vcpus: number;
  cmdline: string;
  /** endpoints the user picked; every endpoint of their IOMMU groups is passed with them */
  devices: PciAddress[];
  pciNomsi: boolean;
  accel: Accel;
  /** extra `-machine virt` options, "key=value", from an allowlist */
  machineOptions: string[];
  onStop: StopPolicy;
  createdAt: string;
  updatedAt: string;
}

/** What this machine's QEMU and kernel can do, probed once (see caps.ts); the argv builder and checks read it. */
export interface QemuCaps {
  binary: string;
  /** "7.2.22" or null when QEMU could not be run */
  version: string | null;
  /** process.arch of the host: KVM for an aarch64 guest needs an arm64 host */
  hostArch: string;
  /** /dev/kvm exists and is read/write for this process, on an arm64 host */
  kvmUsable: boolean;
  /** why KVM is not usable, in plain words */
  kvmReason: string | null;
  /** host IPA size in bits (Orin dmesg "IPA Size Limit"); null when unknown */
  hostIpaBits: number | null;
  /** RLIMIT_MEMLOCK soft limit in bytes; null = unlimited */
  memlockBytes: number | null;
  /** this process has CAP_IPC_LOCK (root), so the memlock limit does not apply */
  capIpcLock: boolean;
}

export type Severity = 'error' | 'warning' | 'info';

export interface CheckResult {
  id: string;
  severity: Severity;
  message: string;
  device?: PciAddress;
}

export type VmState = 'stopped' | 'starting' | 'running' | 'paused' | 'stopping' | 'shutdown' | 'crashed';
