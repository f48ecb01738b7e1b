import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_CARDS, SIM_CARD_NAMES, simCard } from './cards';
import { generateOrinTree, readOrinMeta, SIM_LAYOUT } from './orin';
import { bootOrin } from './orin-boot';
import { DEVKIT_TREES } from '../../devicetree/trees';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-orin-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** lspci -vnnk on the tree, split into one block per device keyed by address. */
function lspci(root: string, args = ['-vnnk']): Map<string, string> {
  const out = execFileSync('lspci', ['-A', 'linux-sysfs', '-O', `sysfs.path=${root}/sys/bus/pci`, '-D', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return new Map(
    out
      .split(/\n(?=\S)/)
      .filter((b) => b.trim())
      .map((b) => [b.slice(0, 12), b]),
  );
}

const link = (root: string, rel: string) =>
  path.relative(fs.realpathSync(root), path.resolve(fs.realpathSync(path.dirname(path.join(root, rel))), fs.readlinkSync(path.join(root, rel))));
const read = (root: string, rel: string) => fs.readFileSync(path.join(root, rel), 'latin1');

describe('the simulated Orin, default card (T600)', () => {
  const root = path.join(tmp, 't600');
  beforeAll(() => generateOrinTree(root, { card: 't600' }));

  it('lays devices out below their platform controller, with relative bus links', () => {
    const target = fs.readlinkSync(path.join(root, 'sys/bus/pci/devices/0005:01:00.0'));
    expect(target).toBe('../../../devices/platform/bus@0/141a0000.pcie/pci0005:00/0005:00:00.0/0005:01:00.0');
    expect(link(root, 'sys/bus/platform/devices/14100000.pcie')).toBe('sys/devices/platform/bus@0/14100000.pcie');
    expect(fs.readdirSync(path.join(root, 'sys/bus/pci/devices')).sort()).toEqual([
      '0001:00:00.0', '0001:01:00.0', '0004:00:00.0', '0004:01:00.0', '0005:00:00.0', '0005:01:00.0', '0005:01:00.1',
    ]);
  });

  it('writes the attributes in the kernel formats', () => {
    const d = 'sys/bus/pci/devices/0005:01:00.0';
    expect(read(root, `${d}/vendor`)).toBe('0x10de\n');
    expect(read(root, `${d}/device`)).toBe('0x1fb1\n');
    expect(read(root, `${d}/class`)).toBe('0x030000\n');
    expect(read(root, `${d}/revision`)).toBe('0xa1\n');
    expect(read(root, `${d}/driver_override`)).toBe('(null)\n');
    expect(read(root, `${d}/current_link_speed`)).toBe('8.0 GT/s PCIe\n');
    expect(read(root, `${d}/current_link_width`)).toBe('8\n');
    expect(read(root, 'sys/bus/pci/devices/0005:00:00.0/max_link_speed')).toBe('16.0 GT/s PCIe\n');
    const resource = read(root, `${d}/resource`).trim().split('\n');
    expect(resource).toHaveLength(13);
    expect(resource[0]).toBe('0x0000002b28000000 0x0000002b28ffffff 0x0000000000040200');
    expect(resource[1]).toMatch(/^0x\S+ 0x\S+ 0x000000000014220c$/);
    expect(read(root, 'sys/bus/pci/devices/0005:00:00.0/resource').trim().split('\n')).toHaveLength(17);
    expect(fs.statSync(path.join(root, d, 'config')).size).toBe(4096);
  });

  it('binds drivers with links both ways', () => {
    expect(link(root, 'sys/bus/pci/devices/0005:01:00.0/driver')).toBe('sys/bus/pci/drivers/nouveau');
    expect(link(root, 'sys/bus/pci/drivers/nouveau/0005:01:00.0')).toBe(link(root, 'sys/bus/pci/devices/0005:01:00.0'));
    expect(link(root, 'sys/bus/pci/devices/0005:01:00.1/driver')).toBe('sys/bus/pci/drivers/snd_hda_intel');
    expect(link(root, 'sys/bus/pci/devices/0001:01:00.0/driver')).toBe('sys/bus/pci/drivers/rtl88x2ce');
    expect(link(root, 'sys/bus/pci/devices/0004:01:00.0/driver')).toBe('sys/bus/pci/drivers/nvme');
    expect(link(root, 'sys/devices/platform/bus@0/141a0000.pcie/driver')).toBe('sys/bus/platform/drivers/tegra194-pcie');
    for (const f of ['bind', 'unbind', 'new_id', 'remove_id']) expect(fs.existsSync(path.join(root, 'sys/bus/pci/drivers/vfio-pci', f))).toBe(true);
    expect(fs.existsSync(path.join(root, 'sys/bus/pci/drivers_probe'))).toBe(true);
  });

  it('puts each controller, its root port and its endpoints in one IOMMU group (stock L4T)', () => {
    const groupOf = (rel: string) => path.basename(link(root, `${rel}/iommu_group`));
    for (const [ctrl, dom, fns] of [['14100000.pcie', '0001', ['0']], ['14160000.pcie', '0004', ['0']], ['141a0000.pcie', '0005', ['0', '1']]] as const) {
      const g = groupOf(`sys/bus/platform/devices/${ctrl}`);
      expect(fs.readdirSync(path.join(root, 'sys/kernel/iommu_groups', g, 'devices')).sort()).toEqual([`${dom}:00:00.0`, ...fns.map((f) => `${dom}:01:00.${f}`), ctrl].sort());
      for (const f of fns) expect(groupOf(`sys/bus/pci/devices/${dom}:01:00.${f}`)).toBe(g);
    }
    expect(new Set(fs.readdirSync(path.join(root, 'sys/kernel/iommu_groups'))).size).toBe(3);
  });

  it('has the system files a Jetson has', () => {
    expect(read(root, 'proc/device-tree/compatible')).toBe('nvidia,p3737-0000+p3701-0000\0nvidia,p3701-0000\0nvidia,tegra234\0');
    expect(read(root, 'sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts')).toBe('N\n');
    expect(fs.readdirSync(path.join(root, 'dev/vfio'))).toEqual(['vfio']);
    expect(read(root, 'proc/mounts')).toMatch(/^\/dev\/nvme0n1p1 \/ ext4 /);
    expect(fs.existsSync(path.join(root, 'sys/bus/pci/devices/0004:01:00.0/nvme/nvme0/nvme0n1/nvme0n1p1'))).toBe(true);
    expect(fs.existsSync(path.join(root, 'sys/bus/pci/devices/0001:01:00.0/net/wlP1p1s0'))).toBe(true);
    expect(read(root, 'kernel-release')).toMatch(/-tegra\n$/);
    expect(read(root, 'etc/nv_tegra_release')).toMatch(/^# R36 \(release\), REVISION: 4\.2/);
  });

  it('boots the real r36.4.2 devkit tree: /sys/firmware/fdt, of_node links and device-tree files follow it', () => {
    expect(fs.readFileSync(path.join(root, 'sys/firmware/fdt')).equals(fs.readFileSync(DEVKIT_TREES.r36.file))).toBe(true);
    expect(link(root, 'sys/devices/platform/bus@0/141a0000.pcie/of_node')).toBe('sys/firmware/devicetree/base/bus@0/pcie@141a0000');
    expect(fs.readFileSync(path.join(root, 'sys/firmware/devicetree/base/bus@0/pcie@141a0000/iommus')).toString('hex')).toBe('0000000400000014');
    expect(fs.readlinkSync(path.join(root, 'proc/device-tree'))).toBe('../sys/firmware/devicetree/base');
    expect(read(root, 'proc/device-tree/model')).toBe('NVIDIA Jetson AGX Orin Developer Kit\0');
  });

  it('is read by lspci with the right IDs, names, BARs, driver and group', () => {
    const group = path.basename(link(root, 'sys/bus/platform/devices/141a0000.pcie/iommu_group'));
    const dev = lspci(root);
    const gpu = dev.get('0005:01:00.0')!;
    expect(gpu).toContain('VGA compatible controller [0300]: NVIDIA Corporation TU117GL [T600] [10de:1fb1] (rev a1)');
    expect(gpu).toContain(`IOMMU group ${group}`);
    expect(gpu).toContain('Memory at 2b28000000 (32-bit, non-prefetchable) [size=16M]');
    expect(gpu).toMatch(/Memory at \w+ \(64-bit, prefetchable\) \[size=256M\]/);
    expect(gpu).toMatch(/Memory at \w+ \(64-bit, prefetchable\) \[size=32M\]/);
    expect(gpu).toMatch(/I\/O ports at \w+ \[size=128\]/);
    expect(gpu).toMatch(/Expansion ROM at \w+ \[disabled\] \[size=512K\]/);
    expect(gpu).toContain('Kernel driver in use: nouveau');
    expect(dev.get('0005:01:00.1')).toContain('Audio device [0403]: NVIDIA Corporation Device [10de:10fa] (rev a1)');
    expect(dev.get('0005:01:00.1')).toContain('Kernel driver in use: snd_hda_intel');
    expect(dev.get('0005:00:00.0')).toMatch(/PCI bridge \[0604\]: NVIDIA Corporation Device \[10de:229a\] \(rev a1\)/);
    expect(dev.get('0005:00:00.0')).toContain('Bus: primary=00, secondary=01, subordinate=01');
    expect(dev.get('0005:00:00.0')).toContain('Prefetchable memory behind bridge: 2800000000-2811ffffff [size=288M]');
    expect(dev.get('0005:00:00.0')).toContain('Kernel driver in use: pcieport');
    expect(dev.get('0004:01:00.0')).toContain('Non-Volatile memory controller [0108]: Sandisk Corp WD Black SN770 NVMe SSD [15b7:5017]');
    expect(dev.get('0004:01:00.0')).toContain('Kernel driver in use: nvme');
    expect(dev.get('0001:01:00.0')).toContain('Network controller [0280]: Realtek Semiconductor Co., Ltd. RTL8822CE 802.11ac PCIe Wireless Network Adapter [10ec:c822]');
    expect(dev.get('0001:01:00.0')).toContain('Kernel driver in use: rtl88x2ce');
    expect(dev.get('0001:00:00.0')).toContain('[10de:229e]');
  });
});

describe('cards and the overlay', () => {
  it.each(SIM_CARDS.map((c) => [c.name]))('card %s shows up in lspci with its ids', (name) => {
    const root = path.join(tmp, `card-${name}`);
    generateOrinTree(root, { card: name });
    const ids = [...lspci(root, ['-n']).values()].filter((l) => l.startsWith('0005:')).map((l) => l.split(' ')[2]);
    const card = simCard(name);
    expect(ids).toEqual(card.functions.length ? ['10de:229a', ...card.functions.map((f) => `${f.vendor}:${f.device}`)] : []);
    expect(readOrinMeta(root)).toEqual({ card: name, release: 'r36', overlay: [], complete: true, layout: SIM_LAYOUT });
  });

  it('an empty slot leaves the controller without driver, PCI bus or group', () => {
    const root = path.join(tmp, 'card-none');
    expect(fs.existsSync(path.join(root, 'sys/devices/platform/bus@0/141a0000.pcie'))).toBe(true);
    expect(fs.existsSync(path.join(root, 'sys/devices/platform/bus@0/141a0000.pcie/driver'))).toBe(false);
    expect(fs.existsSync(path.join(root, 'sys/devices/platform/bus@0/141a0000.pcie/pci0005:00'))).toBe(false);
  });

  it('booted with the overlay for 141a0000.pcie (applied by fdtoverlay) the platform device leaves the group', async () => {
    const root = path.join(tmp, 'overlay');
    await bootOrin(root, { card: 't600', overlay: ['141a0000.pcie'] });
    expect(fs.existsSync(path.join(root, 'sys/devices/platform/bus@0/141a0000.pcie/iommu_group'))).toBe(false);
    const g = path.basename(link(root, 'sys/bus/pci/devices/0005:01:00.0/iommu_group'));
    expect(fs.readdirSync(path.join(root, 'sys/kernel/iommu_groups', g, 'devices')).sort()).toEqual(['0005:00:00.0', '0005:01:00.0', '0005:01:00.1']);
    expect(fs.readFileSync(path.join(root, 'proc/device-tree/bus@0/pcie@141a0000/iommus')).length).toBe(0);
    expect(execFileSync('fdtget', ['-t', 'x', path.join(root, 'sys/firmware/fdt'), '/bus@0/pcie@141a0000', 'iommus'], { encoding: 'utf8' }).trim()).toBe('');
    // the other controllers keep theirs
    expect(fs.existsSync(path.join(root, 'sys/devices/platform/bus@0/14100000.pcie/iommu_group'))).toBe(true);
    expect(readOrinMeta(root)).toMatchObject({ release: 'r36', overlay: ['141a0000.pcie'] });
  });

  it('JetPack 5 (r35.2.1 tree): controllers at the root, labelled; the overlay targets the label', async () => {
    const root = path.join(tmp, 'r35');
    await bootOrin(root, { card: 't600', release: 'r35', overlay: ['14100000.pcie'] });
    expect(link(root, 'sys/bus/platform/devices/141a0000.pcie')).toBe('sys/devices/platform/141a0000.pcie');
    expect(link(root, 'sys/devices/platform/141a0000.pcie/of_node')).toBe('sys/firmware/devicetree/base/pcie@141a0000');
    expect(fs.existsSync(path.join(root, 'sys/devices/platform/141a0000.pcie/iommu_group'))).toBe(true);
    expect(fs.existsSync(path.join(root, 'sys/devices/platform/14100000.pcie/iommu_group'))).toBe(false);
    expect(read(root, 'etc/nv_tegra_release')).toMatch(/^# R35 /);
    expect(read(root, 'kernel-release')).toBe('5.10.104-tegra\n');
  });

  it('refuses unknown cards, and an overlay for a controller the tree lacks, writing nothing', async () => {
    expect(() => generateOrinTree(path.join(tmp, 'x'), { card: 'rtx4090' })).toThrow(`valid cards are ${SIM_CARD_NAMES.join(', ')}`);
    await expect(bootOrin(path.join(tmp, 'x'), { card: 't600', overlay: ['15000000.pcie'] })).rejects.toThrow(/no node for 15000000\.pcie/);
    expect(fs.existsSync(path.join(tmp, 'x'))).toBe(false);
  });

  it('never overwrites a directory it did not write', () => {
    const foreign = path.join(tmp, 'foreign');
    fs.mkdirSync(foreign);
    fs.writeFileSync(path.join(foreign, 'precious'), 'data');
    expect(() => generateOrinTree(foreign, { card: 't600' })).toThrow(/not a simulated Orin tree/);
    expect(fs.readFileSync(path.join(foreign, 'precious'), 'utf8')).toBe('data');
    expect(() => generateOrinTree('/', { card: 't600' })).toThrow(/refusing/);
  });
});
