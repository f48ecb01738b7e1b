// Firmware boot: UEFI from Debian's qemu-efi-aarch64 (AAVMF: read-only code + a per-VM variable store),
// and the block devices it boots from, in the user's order (bootindex).
import fs from 'node:fs';
import { optList } from './qemu-opts';
import type { VmPaths } from './paths';
import type { Finding, VmDefinition } from './types';

/** Debian 12's qemu-efi-aarch64 */
export const AAVMF_CODE = '/usr/share/AAVMF/AAVMF_CODE.fd';
export const AAVMF_VARS_TEMPLATE = '/usr/share/AAVMF/AAVMF_VARS.fd';

export const isUefi = (vm: Pick<VmDefinition, 'firmware'>) => vm.firmware === 'uefi';

export function firmwareArgs(paths: VmPaths, notes: string[]): string[] {
  notes.push(`UEFI: ${AAVMF_CODE} (read-only) with this VM's own variable store ${paths.efiVars} (boot entries survive restarts)`);
  return [
    '-drive', optList(null, [['if', 'pflash'], ['format', 'raw'], ['unit', 0], ['file', AAVMF_CODE], ['readonly', true]]),
    '-drive', optList(null, [['if', 'pflash'], ['format', 'raw'], ['unit', 1], ['file', paths.efiVars]]),
  ];
}

/** Before the first UEFI start: the VM's variable store, copied from the firmware's empty template. */
export function ensureVarsStore(paths: VmPaths): void {
  if (fs.existsSync(paths.efiVars)) return;
  fs.mkdirSync(paths.vmDir, { recursive: true, mode: 0o700 });
  fs.copyFileSync(AAVMF_VARS_TEMPLATE, paths.efiVars);
}

export function firmwareChecks(vm: VmDefinition): Finding[] {
  if (!isUefi(vm)) return [];
  return [AAVMF_CODE, AAVMF_VARS_TEMPLATE]
    .filter((f) => !fs.existsSync(f))
    .map((f) => ({ code: 'no-uefi', severity: 'error' as const, message: `UEFI firmware ${f} is missing: apt-get install qemu-efi-aarch64` }));
}

/**
 * Disks (virtio-blk), CD-ROMs and the cloud-init seed (SCSI CD-ROMs on one virtio-scsi controller).
 * Under UEFI each bootable device gets a bootindex in the chosen order; the seed is never booted.
 */
export function mediaArgs(vm: VmDefinition, seedIso: string | null, notes: string[]): string[] {
  const uefi = isUefi(vm);
  const cdroms = vm.cdroms ?? [];
  const diskFirst = vm.boot !== 'cdrom';
  const args: string[] = [];
  vm.disks.forEach((d, i) => {
    // a disk attached read-only: the guest cannot change the image
    const readOnly: Array<[string, boolean]> = d.readOnly ? [['readonly', true]] : [];
    if (!uefi) {
      args.push('-drive', optList(null, [['file', d.path], ['if', 'virtio'], ['format', d.format], ...readOnly]));
      return;
    }
    const bootindex = diskFirst ? i : cdroms.length + i;
    args.push('-drive', optList(null, [['if', 'none'], ['id', `disk${i}`], ['file', d.path], ['format', d.format], ...readOnly]));
    args.push('-device', optList('virtio-blk-pci', [['drive', `disk${i}`], ['bootindex', bootindex]]));
  });
  const cds: Array<{ id: string; file: string; bootindex?: number }> = cdroms.map((file, i) => ({
    id: `cd${i}`, file, bootindex: uefi ? (diskFirst ? vm.disks.length + i : i) : undefined,
  }));
  if (seedIso) cds.push({ id: 'cidata', file: seedIso });
  if (cds.length) args.push('-device', optList('virtio-scsi-pci', [['id', 'scsi0']]));
  for (const cd of cds) {
    args.push('-drive', optList(null, [['if', 'none'], ['id', cd.id], ['file', cd.file], ['format', 'raw'], ['media', 'cdrom'], ['readonly', true]]));
    args.push('-device', optList('scsi-cd', [['bus', 'scsi0.0'], ['drive', cd.id], ['bootindex', cd.bootindex]]));
  }
  if (uefi && (vm.disks.length || cdroms.length)) notes.push(`UEFI boots from the ${diskFirst ? 'disk' : 'CD-ROM'} first`);
  if (seedIso) notes.push(`cloud-init: NoCloud seed ${seedIso} (volume cidata) as a read-only CD-ROM`);
  return args;
}

/** libvirt <os> firmware lines and <disk> elements for the same media. */
export function firmwareXml(vm: VmDefinition, paths: VmPaths, esc: (s: string) => string): string[] {
  if (!isUefi(vm)) return [];
  return [`    <loader readonly='yes' type='pflash'>${esc(AAVMF_CODE)}</loader>`, `    <nvram template='${esc(AAVMF_VARS_TEMPLATE)}'>${esc(paths.efiVars)}</nvram>`];
}

export function cdromXml(vm: VmDefinition, seedIso: string | null, esc: (s: string) => string): string[] {
  const files = [...(vm.cdroms ?? []), ...(seedIso ? [seedIso] : [])];
  const out: string[] = [];
  const user = vm.cdroms?.length ?? 0;
  files.forEach((file, i) => {
    out.push("    <disk type='file' device='cdrom'>", "      <driver name='qemu' type='raw'/>", `      <source file='${esc(file)}'/>`);
    out.push(`      <target dev='sd${String.fromCharCode(97 + i)}' bus='scsi'/>`, '      <readonly/>');
    if (isUefi(vm) && i < user) out.push(`      <boot order='${vm.boot === 'cdrom' ? i + 1 : vm.disks.length + i + 1}'/>`);
    out.push('    </disk>');
  });
  if (files.length) out.push("    <controller type='scsi' model='virtio-scsi'/>");
  return out;
}
