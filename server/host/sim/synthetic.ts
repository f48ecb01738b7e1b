// A large sysfs-shaped tree for benchmarks: many domains, each a platform PCIe controller with
// root ports and realistic endpoints (GPUs with audio, NVMe, NICs, xHCI). Deterministic for a count.
// Like a real ARM kernel, some driverless functions have no IOMMU group (docs/sources/kernel-truth.md §8).
// Addresses: see syntheticApertures (CPU/bus translation per domain, like a DT host bridge's ranges).
import fs from 'node:fs';
import path from 'node:path';
import { ApertureAllocator, type Aperture } from './address-map';
import { writePciDevice, type SimBar, type SimPciDevice } from './pci-device';
import { GROUPS, PCI_BUS, PLATFORM_BUS, Tree, addToGroup, ensureDriver, linkDriver } from './tree';
import { formatPciAddress } from '../../../common/pci-address';

const MARKER = '.sim-synthetic.json';

interface Model {
  functions: { vendor: string; device: string; classCode: string; driver: string | null; bars: [SimBar['kind'], number, boolean][] }[];
  link: [string, number];
}

const MB = 1 << 20;
const MODELS: Model[] = [
  {
    functions: [
      { vendor: '10de', device: '1fb1', classCode: '030000', driver: 'nouveau', bars: [['mem32', 16 * MB, false], ['mem64', 256 * MB, true], ['mem64', 32 * MB, true], ['io', 128, false]] },
      { vendor: '10de', device: '10fa', classCode: '040300', driver: 'snd_hda_intel', bars: [['mem32', 16384, false]] },
    ],
    link: ['8.0', 16],
  },
  { functions: [{ vendor: '15b7', device: '5017', classCode: '010802', driver: 'nvme', bars: [['mem64', 16384, false]] }], link: ['16.0', 4] },
  {
    functions: [
      { vendor: '8086', device: '1521', classCode: '020000', driver: 'igb', bars: [['mem32', MB, false], ['io', 32, false], ['mem32', 16384, false]] },
      { vendor: '8086', device: '1521', classCode: '020000', driver: 'igb', bars: [['mem32', MB, false], ['io', 32, false], ['mem32', 16384, false]] },
    ],
    link: ['5.0', 4],
  },
  { functions: [{ vendor: '1912', device: '0014', classCode: '0c0330', driver: 'xhci_hcd', bars: [['mem64', 8192, false]] }], link: ['5.0', 1] },
  { functions: [{ vendor: '10ec', device: '8168', classCode: '020000', driver: 'r8169', bars: [['io', 256, false], ['mem64', 4096, false], ['mem64', 16384, false]] }], link: ['2.5', 1] },
  {
    functions: [
      { vendor: '15b3', device: '1017', classCode: '020000', driver: 'mlx5_core', bars: [['mem64', 32 * MB, true]] },
      { vendor: '15b3', device: '1017', classCode: '020000', driver: null, bars: [['mem64', 32 * MB, true]] },
    ],
    link: ['8.0', 16],
  },
];

const ROOT_PORTS_PER_DOMAIN = 16;

/**
 * A generic DT-described host bridge per domain (not measured, not a Tegra): a 64-bit prefetchable
 * aperture mapped 1:1, a 1 GiB 32-bit non-prefetchable bus window at 0x40000000 that the CPU sees
 * high up (32-bit BARs need bus addresses below 4 GiB, and a thousand domains' worth of them cannot
 * all sit 1:1 below 4 GiB), and a 64 KiB I/O space at bus port 0 numbered from domain * 0x10000 in
 * the kernel's logical port space. Resource (CPU) address = bus address + (cpu - bus) of the
 * aperture; the lspci agreement test translates with exactly these.
 */
export function syntheticApertures(domain: number): Aperture[] {
  const base = 0x1000000000n * BigInt(domain + 1); // 64 GiB per domain
  return [
    { kind: 'pref', cpu: base, bus: base, size: 0x400000000n },
    { kind: 'mem', cpu: base + 0x800000000n, bus: 0x40000000n, size: 0x40000000n },
    { kind: 'io', cpu: BigInt(domain) * 0x10000n, bus: 0n, size: 0x10000n },
  ];
}

/** Writes the tree; returns how many PCI devices it holds (root ports included). */
export function generateSyntheticTree(root: string, opts: { devices: number }): number {
  if (!Number.isInteger(opts.devices) || opts.devices < 2 || opts.devices > 20000) throw new Error('devices must be an integer from 2 to 20000');
  if (!path.isAbsolute(root) || path.resolve(root) === '/') throw new Error(`refusing to generate a synthetic tree at ${JSON.stringify(root)}`);
  if (fs.existsSync(root) && fs.readdirSync(root).length > 0 && !fs.existsSync(path.join(root, MARKER))) {
    throw new Error(`${root} is not empty and is not a synthetic tree; refusing to overwrite it`);
  }
  fs.rmSync(root, { recursive: true, force: true });
  const tree = new Tree(root);
  tree.file(`${PCI_BUS}/drivers_probe`, '');
  tree.file('dev/vfio/vfio', '');
  ensureDriver(tree, PCI_BUS, 'vfio-pci');
  ensureDriver(tree, PCI_BUS, 'pcieport');
  tree.dir(GROUPS);

  let count = 0;
  let group = 0;
  for (let domain = 0; count < opts.devices; domain++) {
    const dom = domain.toString(16).padStart(4, '0');
    const pdev = `sys/devices/platform/${(0x14000000 + domain * 0x20000).toString(16)}.pcie`;
    tree.link(`${PLATFORM_BUS}/devices/${path.basename(pdev)}`, pdev);
    linkDriver(tree, pdev, PLATFORM_BUS, 'tegra194-pcie');
    const allocator = new ApertureAllocator(syntheticApertures(domain));
    for (let port = 0; port < ROOT_PORTS_PER_DOMAIN && count < opts.devices; port++) {
      const model = MODELS[(domain * ROOT_PORTS_PER_DOMAIN + port) % MODELS.length];
      const fns = model.functions.slice(0, Math.max(1, Math.min(model.functions.length, opts.devices - count - 1)));
      const bus = port + 1;
      const devs: SimPciDevice[] = fns.map((f, fn) => ({
        address: formatPciAddress({ domain, bus, slot: 0, fn }),
        vendor: f.vendor, device: f.device, subsystemVendor: f.vendor, subsystemDevice: f.device, classCode: f.classCode, revision: '01',
        multifunction: fns.length > 1,
        bars: [],
        link: { currentSpeed: model.link[0], maxSpeed: model.link[0], currentWidth: Math.min(model.link[1], 8), maxWidth: model.link[1] },
        irq: 200 + fn,
        driver: f.driver,
      }));
      const windows = allocator.place(
        fns.map((f, fn) => {
          let index = 0;
          const plan = f.bars.map(([kind, size, prefetchable]) => {
            const bar = { index, kind, prefetchable, size: BigInt(size) };
            index += kind === 'mem64' ? 2 : 1;
            return bar;
          });
          return { plan, bars: devs[fn].bars };
        }),
      );
      const rp: SimPciDevice = {
        address: formatPciAddress({ domain, bus: 0, slot: port, fn: 0 }),
        vendor: '10de', device: '229a', subsystemVendor: '10de', subsystemDevice: '0000', classCode: '060400', revision: 'a1',
        bars: [],
        bridge: { primary: 0, secondary: bus, subordinate: bus, ...windows },
        link: { currentSpeed: model.link[0], maxSpeed: '16.0', currentWidth: Math.min(model.link[1], 8), maxWidth: 8 },
        irq: 100 + port,
        driver: 'pcieport',
      };
      const rpDir = writePciDevice(tree, `${pdev}/pci${dom}:00`, rp);
      addToGroup(tree, rpDir, group);
      count++;
      devs.forEach((dev, fn) => {
        const dir = writePciDevice(tree, rpDir, dev);
        if (fns[fn].driver) addToGroup(tree, dir, group);
        count++;
      });
      group++;
    }
  }
  tree.file(MARKER, JSON.stringify({ devices: count }) + '\n');
  return count;
}
