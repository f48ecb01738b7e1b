// The golden cases of the argv builder and the exporters, in one place: argv.test.ts compares each with its
// file in __golden__/, and `npm run golden:update` (scripts/golden-update.ts) rewrites them for a person to review.
import path from 'node:path';
import { buildQemuArgv, type BuiltArgv } from '../argv';
import { toLibvirtXml, toShellScript } from '../export';
import { vmPaths } from '../paths';
import { JETSON_CAPS, X86_CAPS, vmDef } from './fixtures';
import { orinSnapshot } from './orin-snapshot';

export const GOLDEN_DIR = path.join(import.meta.dirname, '..', '__golden__');
export const goldenPaths = vmPaths('/var/lib/jetvm', 'demo');

export const GOLDEN_VMS = {
  kvmGpu: vmDef({ disks: [{ path: '/srv/focal-server-cloudimg-arm64.raw', format: 'raw' }], cmdline: 'rootwait root=/dev/vda1 console=ttyAMA0', devices: ['0005:01:00.0'] }),
  tcgNomsi: vmDef({ pciNomsi: true, machineOptions: ['highmem-mmio-size=1T', 'its=on'], vcpus: 1, memoryMiB: 256 }),
  simStandIns: vmDef({ devices: ['0005:01:00.0', '0001:01:00.0', '0004:01:00.0'], accel: 'tcg' }),
  exported: vmDef({ disks: [{ path: "/srv/it's a disk.raw", format: 'raw' }], cmdline: 'root=/dev/vda1 quiet', pciNomsi: true }),
};

export const GOLDEN_BUILDS = {
  kvmGpu: () => buildQemuArgv(GOLDEN_VMS.kvmGpu, orinSnapshot(), JETSON_CAPS, goldenPaths),
  tcgNomsi: () => buildQemuArgv(GOLDEN_VMS.tcgNomsi, orinSnapshot(), X86_CAPS, goldenPaths),
  simStandIns: () => buildQemuArgv(GOLDEN_VMS.simStandIns, orinSnapshot(), X86_CAPS, goldenPaths, { standIns: true }),
  exported: () => buildQemuArgv(GOLDEN_VMS.exported, orinSnapshot(), JETSON_CAPS, goldenPaths),
};

const render = (b: BuiltArgv) => `${b.argv.join('\n')}\n--- notes\n${b.notes.join('\n')}\n`;

/** golden file name → the text the code makes today */
export const GOLDEN_CASES: Record<string, () => string> = {
  'kvm-gpu.txt': () => render(GOLDEN_BUILDS.kvmGpu()),
  'tcg-nomsi.txt': () => render(GOLDEN_BUILDS.tcgNomsi()),
  'sim-standins.txt': () => render(GOLDEN_BUILDS.simStandIns()),
  'script.sh.txt': () => toShellScript(GOLDEN_BUILDS.exported().argv, ['jetvm VM demo']),
  'libvirt.xml.txt': () => toLibvirtXml(GOLDEN_VMS.exported, orinSnapshot(), { ...JETSON_CAPS, binary: '/usr/bin/qemu-system-aarch64' }, goldenPaths),
};
