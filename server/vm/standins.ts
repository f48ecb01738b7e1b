// Sim mode: each vfio-pci function becomes an emulated device of the same class, so the guest's own
// boot log lists the "passed" card. Pure: returns the QEMU arguments and the scratch images to create.
import path from 'node:path';
import type { PassedFunction } from './devices';
import { classOf, deviceLabel } from './devices';
import { idForAddress, optList } from './qemu-opts';

export interface ScratchImage {
  path: string;
  sizeBytes: number;
}

export interface StandIn {
  /** arguments that must precede the -device (a -drive for nvme) */
  before: string[];
  driver: string;
  props: Array<[string, string]>;
  scratch: ScratchImage[];
  note: string;
}

const NVME_SCRATCH_BYTES = 16 * 1024 * 1024;

function model(classCode: string): string {
  if (classCode.startsWith('03')) return 'bochs-display';
  if (classCode.startsWith('0403')) return 'ich9-intel-hda';
  if (classCode.startsWith('02')) return 'e1000e';
  if (classCode.startsWith('0108')) return 'nvme';
  if (classCode.startsWith('0c03')) return 'qemu-xhci';
  return 'pci-testdev';
}

export function standInFor(f: PassedFunction, runDir: string): StandIn {
  const driver = model(classOf(f.device));
  const id = idForAddress('sim', f.address);
  // romfile= : no option ROM (bochs-display and e1000e would otherwise look for a BIOS file)
  const props: Array<[string, string]> = [['id', id]];
  if (driver !== 'pci-testdev' && driver !== 'qemu-xhci') props.push(['romfile', '']);
  const before: string[] = [];
  const scratch: ScratchImage[] = [];
  if (driver === 'nvme') {
    const img = path.join(runDir, `${id}.img`);
    scratch.push({ path: img, sizeBytes: NVME_SCRATCH_BYTES });
    before.push('-drive', optList(null, [['file', img], ['if', 'none'], ['id', `${id}-drive`], ['format', 'raw']]));
    props.push(['drive', `${id}-drive`], ['serial', `jetvm${f.address.replace(/[:.]/g, '')}`.slice(0, 20)]);
  }
  const classNote = f.device ? ` class ${f.device.class.code}` : '';
  return { before, driver, props, scratch, note: `sim: ${deviceLabel(f)}${classNote} stands in as emulated ${driver} (id=${id})` };
}
