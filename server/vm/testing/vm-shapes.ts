// Every shape of VM the New VM form can make, for the judges that check the exports (libvirt's schema,
// sh -n, shellcheck) and the real QEMU. Paths carry the awkward characters a user may type.
import { MACHINE_OPTIONS, machineOptionChoices } from '../../../common/machine-options';
import type { VmDefinition } from '../types';
import { vmDef } from './fixtures';

/** spaces, both quotes, a doubled comma, $, a backtick, a backslash, non-ASCII */
export const AWKWARD_DIR = `/srv/it's a "vm" $HOME \`x\` \\ a,,b ünï 名`;

/** Sets of options a VM can hold together (one value per key) that between them use every allowed value. */
export function machineOptionSets(): string[][] {
  const choices = Object.keys(MACHINE_OPTIONS).map((k) => [k, machineOptionChoices(k) ?? ['1T']] as const);
  const count = Math.max(...choices.map(([, c]) => c.length));
  return Array.from({ length: count }, (_, i) => choices.map(([k, c]) => `${k}=${c[i % c.length]}`));
}

export function vmShapes(): Array<{ label: string; vm: VmDefinition }> {
  const k = `${AWKWARD_DIR}/Image`;
  return [
    { label: 'kernel only', vm: vmDef({ kernel: '/srv/guest/Image', initrd: null, devices: [], cmdline: '' }) },
    { label: 'kernel + initrd, the GPU', vm: vmDef({}) },
    { label: 'awkward paths and command line, raw + qcow2 disks', vm: vmDef({
      kernel: k, initrd: `${AWKWARD_DIR}/initrd.gz`, cmdline: `root=/dev/vda1 a="b c" $HOME \`x\` \\ 'q' x,,y`,
      disks: [{ path: `${AWKWARD_DIR}/root.raw`, format: 'raw' }, { path: `${AWKWARD_DIR}/data.qcow2`, format: 'qcow2' }],
    }) },
    { label: 'every slot: GPU, Wi-Fi, NVMe; pci=nomsi', vm: vmDef({ devices: ['0005:01:00.0', '0001:01:00.0', '0004:01:00.0'], pciNomsi: true }) },
    { label: 'accel tcg, 1 vCPU, 64 MiB', vm: vmDef({ accel: 'tcg', vcpus: 1, memoryMiB: 64 }) },
    { label: 'accel kvm, 12 vCPUs', vm: vmDef({ accel: 'kvm', vcpus: 12, memoryMiB: 4096 }) },
    ...machineOptionSets().map((machineOptions, i) => ({ label: `machine options, set ${i + 1}`, vm: vmDef({ machineOptions }) })),
    { label: 'machine options, mte=on under TCG', vm: vmDef({ accel: 'tcg', machineOptions: ['mte=on', 'virtualization=on'] }) },
  ];
}
