import type { PciAddress } from '../host/types';

export type Accel = 'auto' | 'kvm' | 'tcg';
/** what happens to the passed devices when the VM stops: stay on vfio-pci, or go back to their host drivers */
export type StopPolicy = 'keep' | 'return';
export type DiskFormat = 'raw' | 'qcow2';

export interface VmDisk {
  path: string;
  format: DiskFormat;
  /** attached read-only (QEMU readonly=on): the guest cannot change the image */
  readOnly?: boolean;
}

/** how the guest starts: QEMU loads a kernel (-kernel), or UEFI firmware boots a disk or CD-ROM */
export type Firmware = 'kernel' | 'uefi';
/** what UEFI tries first */
export type BootDevice = 'disk' | 'cdrom';

export interface PortForward {
  proto: 'tcp' | 'udp';
  hostPort: number;
  guestPort: number;
  /** listen on every host address (reachable from the LAN), not only 127.0.0.1 */
  lan?: boolean;
}

/** user: QEMU's user-mode NAT (guest 10.0.2.15, host ports forwarded); bridge: a tap on an existing host bridge */
export interface VmNetwork {
  mode: 'none' | 'user' | 'bridge';
  bridge: string | null;
  /** stable per VM: set when the VM is created */
  mac: string;
  forwards: PortForward[];
}

/** A NoCloud seed (volume cidata) built from these at every start. The password is stored only as a SHA-512 crypt hash. */
export interface CloudInitConfig {
  hostname: string;
  user: string;
  passwordHash: string | null;
  sshKeys: string[];
  /** the user's own user-data (#cloud-config or a script) instead of the generated one */
  userData: string | null;
}

export interface Autostart {
  enabled: boolean;
  /** lower starts first */
  order: number;
  /** seconds to wait before starting this VM (PCI enumeration on the Orin takes seconds) */
  delaySeconds: number;
}

/** A stored VM definition (validated; paths absolute). */
export interface VmDefinition {
  name: string;
  /** null only with firmware 'uefi' */
  kernel: string | null;
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
  // guest features (server/vm/firmware.ts, network.ts, cloud-init.ts, autostart.ts); absent = the plain
  // -kernel guest with no NIC, as before they existed
  firmware?: Firmware;
  /** ISO images attached as CD-ROMs (read-only) */
  cdroms?: string[];
  boot?: BootDevice;
  network?: VmNetwork;
  cloudInit?: CloudInitConfig | null;
  autostart?: Autostart;
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

/** What a start would check, as findings: code, severity, subject (the device, when one), message. */
export type { Finding, Severity } from '../../common/finding';

export type VmState = 'stopped' | 'starting' | 'running' | 'paused' | 'stopping' | 'shutdown' | 'crashed';
