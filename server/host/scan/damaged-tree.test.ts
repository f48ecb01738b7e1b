import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HostSnapshot } from '../types';
import { unpackFixture } from './fixtures';
import { scanHost } from './index';

// Each case damages a fresh copy of the rig's `gpu` snapshot and checks that the scan reports the
// damage (with the path) and still reports everything else.
const DEV = 'sys/bus/pci/devices';
const GPU = 'sys/devices/platform/4010000000.pcie/pci0000:00/0000:00:05.0/0000:03:00.0';
const NVME = 'sys/devices/platform/4010000000.pcie/pci0000:00/0000:00:04.0/0000:02:00.0';
const ALL = 8;

interface Case {
  name: string;
  damage: (root: string) => void;
  warning: { device?: string; path: string; message: RegExp };
  devices: number;
  check?: (s: HostSnapshot) => void;
}

const write = (root: string, rel: string, text: string) => fs.writeFileSync(path.join(root, rel), text);
const remove = (root: string, rel: string) => fs.rmSync(path.join(root, rel), { recursive: true, force: true });
const relink = (root: string, rel: string, target: string) => {
  remove(root, rel);
  fs.symlinkSync(target, path.join(root, rel));
};
const gpu = (s: HostSnapshot) => s.devices.find((d) => d.address === '0000:03:00.0')!;
/**
 * The device's uevent carries vendor, device, class, subsystem and driver too, and is preferred (uevent.ts);
 * a case about one of those files damages the uevent line that stands for it the same way.
 */
const editUevent = (root: string, rel: string, edit: (lines: string[]) => string[]) => {
  const file = path.join(root, rel, 'uevent');
  fs.writeFileSync(file, edit(fs.readFileSync(file, 'utf8').split('\n')).join('\n'));
};

const cases: Case[] = [
  {
    name: 'missing vendor file',
    damage: (r) => {
      remove(r, `${GPU}/vendor`);
      editUevent(r, GPU, (lines) => lines.filter((l) => !l.startsWith('PCI_ID=')));
    },
    warning: { device: '0000:03:00.0', path: `${GPU}/vendor`, message: /missing/ },
    devices: ALL,
    check: (s) => {
      expect(gpu(s).vendor).toEqual({ id: '', name: null });
      expect(gpu(s).driver).toBe('bochs-drm');
    },
  },
  {
    name: 'garbage in resource',
    damage: (r) => write(r, `${GPU}/resource`, '0x0000000010000000 banana 0x0\n'),
    warning: { device: '0000:03:00.0', path: `${GPU}/resource`, message: /line 1 is not/ },
    devices: ALL,
    check: (s) => expect(gpu(s).bars).toEqual([]),
  },
  {
    name: 'resource with end below start',
    damage: (r) => write(r, `${GPU}/resource`, '0x0000000010000000 0x0000000000000fff 0x0000000000040200\n'),
    warning: { device: '0000:03:00.0', path: `${GPU}/resource`, message: /below start/ },
    devices: ALL,
  },
  {
    name: 'garbled class',
    damage: (r) => {
      write(r, `${GPU}/class`, 'VGA\n');
      editUevent(r, GPU, (lines) => lines.map((l) => (l.startsWith('PCI_CLASS=') ? 'PCI_CLASS=VGA' : l)));
    },
    warning: { device: '0000:03:00.0', path: `${GPU}/class`, message: /unexpected content "VGA"/ },
    devices: ALL,
    check: (s) => {
      expect(gpu(s).class.code).toBe('');
      expect(gpu(s).warnings).toContain(`${GPU}/uevent: PCI_CLASS: unexpected content "VGA"`);
    },
  },
  {
    name: 'unreadable file (a directory where a file should be)',
    damage: (r) => {
      for (const file of ['device', 'uevent']) {
        remove(r, `${GPU}/${file}`);
        fs.mkdirSync(path.join(r, GPU, file));
      }
    },
    warning: { device: '0000:03:00.0', path: `${GPU}/device`, message: /EISDIR/ },
    devices: ALL,
    check: (s) => {
      expect(gpu(s).warnings).toContainEqual(expect.stringMatching(new RegExp(`^${GPU}/uevent: EISDIR`)));
      expect([gpu(s).vendor.id, gpu(s).device.id, gpu(s).class.code, gpu(s).driver]).toEqual(['1234', '', '030000', 'bochs-drm']);
    },
  },
  {
    name: 'garbled PCI_ID in uevent: the vendor and device files stand in',
    damage: (r) => editUevent(r, GPU, (lines) => lines.map((l) => (l.startsWith('PCI_ID=') ? 'PCI_ID=1234-1111' : l))),
    warning: { device: '0000:03:00.0', path: `${GPU}/uevent`, message: /^PCI_ID: unexpected content "1234-1111"$/ },
    devices: ALL,
    check: (s) => expect([gpu(s).vendor.id, gpu(s).device.id, gpu(s).driver]).toEqual(['1234', '1111', 'bochs-drm']),
  },
  {
    name: "uevent naming another device: every value comes from the device's own files",
    damage: (r) => {
      editUevent(r, GPU, (lines) => lines.map((l) => (l.startsWith('PCI_SLOT_NAME=') ? 'PCI_SLOT_NAME=0000:03:00.1' : l)));
      remove(r, `${GPU}/driver`); // the uevent still says DRIVER=bochs-drm
    },
    warning: { device: '0000:03:00.0', path: `${GPU}/uevent`, message: /PCI_SLOT_NAME is "0000:03:00.1", not this device/ },
    devices: ALL,
    check: (s) => expect([gpu(s).vendor.id, gpu(s).class.code, gpu(s).driver]).toEqual(['1234', '030000', null]),
  },
  {
    name: 'dangling device link',
    damage: (r) => relink(r, `${DEV}/0000:03:00.0`, '../../../devices/platform/4010000000.pcie/pci0000:00/0000:00:05.0/0000:09:00.0'),
    warning: { device: '0000:03:00.0', path: `${DEV}/0000:03:00.0`, message: /dangling link/ },
    devices: ALL - 1,
  },
  {
    name: 'device link that leaves the tree',
    damage: (r) => relink(r, `${DEV}/0000:03:00.0`, '../../../../../../../../../../../../../../etc'),
    warning: { device: '0000:03:00.0', path: `${DEV}/0000:03:00.0`, message: /outside the sysfs root/ },
    devices: ALL - 1,
  },
  {
    name: 'entry that is not a PCI address',
    damage: (r) => fs.symlinkSync('../../../devices/platform', path.join(r, DEV, 'bogus')),
    warning: { path: `${DEV}/bogus`, message: /not a PCI address/ },
    devices: ALL,
  },
  {
    name: 'iommu_group link to something that is not a group',
    damage: (r) => relink(r, `${GPU}/iommu_group`, '../../../../../../kernel/iommu_groups/two'),
    warning: { device: '0000:03:00.0', path: `${GPU}/iommu_group`, message: /not name a group number/ },
    devices: ALL,
    check: (s) => expect(gpu(s).iommuGroup).toBeNull(),
  },
  {
    name: 'group directory missing a member the device links to',
    damage: (r) => remove(r, 'sys/kernel/iommu_groups/2/devices/0000:03:00.0'),
    warning: { device: '0000:03:00.0', path: `${GPU}/iommu_group`, message: /does not list 0000:03:00.0/ },
    devices: ALL,
    check: (s) => expect(gpu(s).iommuGroup).toBe(2),
  },
  {
    name: 'dangling group member link',
    damage: (r) => fs.symlinkSync('../../../../devices/platform/gone.pcie', path.join(r, 'sys/kernel/iommu_groups/2/devices/gone.pcie')),
    warning: { path: 'sys/kernel/iommu_groups/2/devices/gone.pcie', message: /dangling link/ },
    devices: ALL,
    check: (s) => expect(s.groups.find((g) => g.id === 2)!.members.map((m) => m.name)).toContain('gone.pcie'),
  },
  {
    name: 'garbled link width',
    damage: (r) => write(r, `${NVME}/current_link_width`, 'x4\n'),
    warning: { device: '0000:02:00.0', path: `${NVME}/current_link_width`, message: /not a number/ },
    devices: ALL,
    check: (s) => expect(s.devices.find((d) => d.address === '0000:02:00.0')!.link?.maxWidth).toBe(1),
  },
  {
    name: 'garbled allow_unsafe_interrupts',
    damage: (r) => write(r, 'sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts', 'maybe\n'),
    warning: { path: 'sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts', message: /expected Y or N/ },
    devices: ALL,
    check: (s) => expect(s.vfio.allowUnsafeInterrupts).toBeNull(),
  },
  {
    name: 'no sys/bus/pci/devices at all',
    damage: (r) => remove(r, DEV),
    warning: { path: DEV, message: /ENOENT/ },
    devices: 0,
    check: (s) => expect(s.groups).toHaveLength(3),
  },
];

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

describe('a damaged tree gives clear warnings and the rest is still reported', () => {
  it('the undamaged tree scans clean', () => {
    const root = unpackFixture('gpu');
    roots.push(root);
    const s = scanHost(root);
    expect(s.warnings).toEqual([]);
    expect(s.devices).toHaveLength(ALL);
  });

  it.each(cases)('$name', (c) => {
    const root = unpackFixture('gpu');
    roots.push(root);
    c.damage(root);
    const s = scanHost(root);
    expect(s.warnings).toContainEqual({ ...(c.warning.device ? { device: c.warning.device } : {}), path: c.warning.path, message: expect.stringMatching(c.warning.message) });
    expect(s.devices).toHaveLength(c.devices);
    if (c.warning.device && c.devices === ALL) {
      const dev = s.devices.find((d) => d.address === c.warning.device)!;
      expect(dev.warnings.some((w) => w.startsWith(`${c.warning.path}: `))).toBe(true);
    }
    // every device the damage did not touch is still fully there
    for (const d of s.devices.filter((d) => d.address !== c.warning.device)) {
      expect(d.vendor.id).toMatch(/^[0-9a-f]{4}$/);
      expect(d.warnings).toEqual([]);
    }
    c.check?.(s);
  });
});
