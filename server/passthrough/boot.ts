// Bind at boot: the files a Jetson needs so the devices go to vfio-pci on every boot, shown to the
// user, and written (sim: into the data directory; real: to /etc only on explicit request).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { PciAddress } from '../host/types';
import { KnownError } from '../errors';

export interface BootDevice {
  address: PciAddress;
  /** "10de" */
  vendor: string;
  /** "1fb1" */
  device: string;
  /** the host driver it would otherwise get (softdep), when known */
  hostDriver: string | null;
}

export const BOOT_METHODS = ['udev', 'modprobe'] as const;
export type BootMethod = (typeof BOOT_METHODS)[number];

export interface BootFile {
  /** where it goes on the Jetson: "/etc/udev/rules.d/…" */
  path: string;
  content: string;
  purpose: string;
}

export interface BootConfig {
  method: BootMethod;
  files: BootFile[];
  /** the other method, shown for comparison (not written) */
  alternative: BootFile[];
  notes: string[];
}

export const UDEV_RULE = '/etc/udev/rules.d/60-jetvm-vfio-pci.rules';
export const MODULES_LOAD = '/etc/modules-load.d/jetvm-vfio-pci.conf';
export const MODPROBE_CONF = '/etc/modprobe.d/jetvm-vfio-pci.conf';

const HEADER = '# Written by jetvm (bind at boot). jetvm removes this file when bind at boot is turned off.';

// Driver names as sysfs shows them are not always module names (softdep wants the module).
const MODULE_OF_DRIVER: Record<string, string> = { 'bochs-drm': 'bochs' };

function udevFiles(devices: BootDevice[]): BootFile[] {
  const rules = devices.map((d) => `ACTION=="add", SUBSYSTEM=="pci", KERNEL=="${d.address}", ATTR{driver_override}="vfio-pci"`);
  return [
    {
      path: UDEV_RULE,
      content: [HEADER, '# Each device gets driver_override=vfio-pci when it appears, before its host driver module loads.', ...rules, ''].join('\n'),
      purpose: 'per-device override: only these exact slots go to vfio-pci',
    },
    {
      path: MODULES_LOAD,
      content: [HEADER, '# vfio-pci must be loaded to take the devices (built in on JetPack 6, a module on JetPack 5).', 'vfio-pci', ''].join('\n'),
      purpose: 'load vfio-pci at boot',
    },
  ];
}

function modprobeFiles(devices: BootDevice[]): BootFile[] {
  const ids = [...new Set(devices.map((d) => `${d.vendor}:${d.device}`))];
  const softdeps = [...new Set(devices.flatMap((d) => (d.hostDriver && d.hostDriver !== 'vfio-pci' ? [MODULE_OF_DRIVER[d.hostDriver] ?? d.hostDriver] : [])))];
  return [
    {
      path: MODPROBE_CONF,
      content: [
        HEADER,
        '# vfio-pci claims every device with these vendor:device IDs, in any slot.',
        `options vfio-pci ids=${ids.join(',')}`,
        ...softdeps.map((m) => `softdep ${m} pre: vfio-pci`),
        '',
      ].join('\n'),
      purpose: 'vfio-pci by vendor:device ID, loaded before the host drivers',
    },
  ];
}

export function planBootConfig(devices: BootDevice[], method: BootMethod = 'udev'): BootConfig {
  if (devices.length === 0) throw new KnownError('bad-input', 'no-devices', 'bind at boot needs at least one device');
  const udev = udevFiles(devices);
  const modprobe = modprobeFiles(devices);
  const ids = [...new Set(devices.map((d) => `${d.vendor}:${d.device}`))].join(',');
  return {
    method,
    files: method === 'udev' ? udev : modprobe,
    alternative: method === 'udev' ? modprobe : udev,
    notes: [
      'Pass the whole IOMMU group: every function of the card is listed.',
      `The ids method (options vfio-pci ids=${ids}) grabs EVERY card with the same IDs, in any slot, and keeps matching hot-plugged ones; the udev rule names exact slots.`,
      `On JetPack 6 vfio-pci is built into the kernel, so modprobe.d options do not reach it: use vfio-pci.ids=${ids} on the APPEND line of /boot/extlinux/extlinux.conf instead, or the udev rule.`,
      'A host driver built into the kernel (not a module) may bind before udev runs; then the device stays with it until you pass it through from jetvm.',
      'If the host driver is in the initramfs (/boot/initrd), regenerate it after changing these files (sudo update-initramfs -u) so the early boot sees them too.',
      'Add vfio_iommu_type1.allow_unsafe_interrupts=1 to the APPEND line as well (the Orin has no interrupt remapping for PCIe MSIs).',
    ],
  };
}

export interface WrittenFile {
  /** absolute path on this machine: <root>/etc/… */
  path: string;
  sha256: string;
}

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

function under(root: string, target: string): string {
  if (!path.isAbsolute(root)) throw new Error(`boot files root must be absolute, not ${JSON.stringify(root)}`);
  if (!target.startsWith('/etc/') || target.includes('..')) throw new Error(`refusing to write outside /etc: ${target}`);
  return path.join(root, target);
}

/**
 * Writes the files under root ("<dataDir>/boot" in sim mode, "/" on a Jetson only when the user asked)
 * atomically (temp file + rename) and returns what was written, for exact removal later.
 */
export function writeBootFiles(root: string, files: BootFile[]): WrittenFile[] {
  return files.map((f) => {
    const abs = under(root, f.path);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    const tmp = `${abs}.jetvm-tmp`;
    fs.writeFileSync(tmp, f.content, { mode: 0o644 });
    fs.renameSync(tmp, abs);
    return { path: abs, sha256: sha256(f.content) };
  });
}

export interface RemovalResult {
  removed: string[];
  /** changed by someone since jetvm wrote them: left in place */
  keptModified: string[];
  alreadyGone: string[];
}

/** Deletes exactly the files jetvm wrote, and only if they still hold what jetvm wrote. */
export function removeBootFiles(written: WrittenFile[]): RemovalResult {
  const out: RemovalResult = { removed: [], keptModified: [], alreadyGone: [] };
  for (const w of written) {
    let content: string;
    try {
      content = fs.readFileSync(w.path, 'utf8');
    } catch {
      out.alreadyGone.push(w.path);
      continue;
    }
    if (sha256(content) !== w.sha256) out.keptModified.push(w.path);
    else {
      fs.unlinkSync(w.path);
      out.removed.push(w.path);
    }
  }
  return out;
}
