import { asPciAddress } from '../../../common/pci-address';
import type { QemuCaps, VmDefinition } from '../types';

export const JETSON_CAPS: QemuCaps = {
  binary: 'qemu-system-aarch64', version: '8.2.2', hostArch: 'arm64', kvmUsable: true, kvmReason: null,
  hostIpaBits: 48, memlockBytes: null, capIpcLock: true,
};

/** The same QEMU on the Jetson (JETSON_CAPS' machine): for tests over orinSnapshot(), which has no simulated board's tree to read. */
export function onTheJetson(caps: QemuCaps): QemuCaps {
  return { ...JETSON_CAPS, binary: caps.binary, version: caps.version };
}

export const X86_CAPS: QemuCaps = {
  binary: 'qemu-system-aarch64', version: '7.2.22', hostArch: 'x64', kvmUsable: false,
  kvmReason: 'KVM runs an aarch64 guest only on an arm64 host (this host is x64)', hostIpaBits: null,
  memlockBytes: 8 * 1024 * 1024, capIpcLock: false,
};

/** A VM definition for tests; devices may be given as plain address strings. */
export function vmDef({ devices, ...p }: Omit<Partial<VmDefinition>, 'devices'> & { devices?: string[] } = {}): VmDefinition {
  return {
    name: 'demo', kernel: '/srv/guest/Image', initrd: '/srv/guest/initrd.gz', disks: [], memoryMiB: 1024, vcpus: 2,
    cmdline: 'console=ttyAMA0', devices: (devices ?? ['0005:01:00.0', '0005:01:00.1']).map(asPciAddress), pciNomsi: false, accel: 'auto',
    machineOptions: [], onStop: 'keep', createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z',
    ...p,
  };
}
