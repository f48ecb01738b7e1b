// The simulated Jetson AGX Orin devkit, written as the sysfs/devfs/procfs tree its kernel shows.
// Facts and their sources: shared/docs/orin-facts.md. Memory windows are illustrative (shaped after
// the Tegra234 device tree's ranges, not measured). Group numbers come from probe order.
import fs from 'node:fs';
import path from 'node:path';
import { simCard, type SimCard } from './cards';
import { writePciDevice, type SimBar, type SimPciDevice, type SimWindow } from './pci-device';
import { ORIN_CONTROLLERS } from '../boards/orin-devkit';
import type { ControllerDef } from '../boards/types';
import { GROUPS, PLATFORM_BUS, PCI_BUS, Tree, addToGroup, ensureDriver, linkDriver } from './tree';

/** Controller labels the (simulated) device-tree overlay can name: the board profile's. */
export const ORIN_DT_LABELS: readonly string[] = ORIN_CONTROLLERS.flatMap((c) => (c.dtLabel ? [c.dtLabel] : []));
export const ORIN_COMPATIBLE = ['nvidia,p3737-0000+p3701-0000', 'nvidia,p3701-0000', 'nvidia,tegra234'];
export const ORIN_KERNEL_RELEASE = '5.15.185-tegra';
/** r36.4.4 log: "tegra194-pcie 14100000.pcie: Adding to iommu group 5" (lower groups: other SoC devices) */
const FIRST_PCIE_GROUP = 5;
const META_FILE = '.sim-orin.json';

export interface OrinMeta {
  card: string;
  overlayLabels: string[];
  /** false while the tree is being written: a crash midway leaves a tree that gets regenerated */
  complete: boolean;
}

const mb = (n: number) => BigInt(n) << 20n;
const kb = (n: number) => BigInt(n) << 10n;

function bar(index: number, kind: SimBar['kind'], size: bigint, prefetchable = false): Omit<SimBar, 'start' | 'busStart'> {
  return { index, kind, size, prefetchable };
}

interface EndpointPlan {
  fn: SimPciDevice;
  bars: Omit<SimBar, 'start' | 'busStart'>[];
}

const nvidiaBars = () => [bar(0, 'mem32', mb(16)), bar(1, 'mem64', mb(256), true), bar(3, 'mem64', mb(32), true), bar(5, 'io', 128n), bar(6, 'rom', kb(512))];

function endpointsOf(controller: string, card: SimCard, domain: string): EndpointPlan[] {
  const ep = (fn: number, f: Omit<SimPciDevice, 'address' | 'bars' | 'irq' | 'link'>, bars: EndpointPlan['bars'], link: SimPciDevice['link']): EndpointPlan => ({
    fn: { ...f, address: `${domain}:01:00.${fn}`, bars: [], irq: 0, link },
    bars,
  });
  if (controller === 'C1') {
    return [
      ep(
        0,
        { vendor: '10ec', device: 'c822', subsystemVendor: '10ec', subsystemDevice: 'c822', classCode: '028000', revision: '00', driver: 'rtl88x2ce', driverChildren: { 'net/wlP1p1s0/address': '48:8f:4c:12:34:56\n', 'net/wlP1p1s0/operstate': 'up\n' } },
        [bar(0, 'io', 256n), bar(2, 'mem64', kb(64))],
        { currentSpeed: '5.0', maxSpeed: '5.0', currentWidth: 1, maxWidth: 1 },
      ),
    ];
  }
  if (controller === 'C4') {
    const nvme = 'nvme/nvme0';
    return [
      ep(
        0,
        {
          vendor: '15b7', device: '5017', subsystemVendor: '15b7', subsystemDevice: '5017', classCode: '010802', revision: '01', driver: 'nvme',
          driverChildren: { [`${nvme}/dev`]: '239:0\n', [`${nvme}/nvme0n1/dev`]: '259:0\n', [`${nvme}/nvme0n1/nvme0n1p1/dev`]: '259:1\n', [`${nvme}/nvme0n1/nvme0n1p1/partition`]: '1\n' },
        },
        [bar(0, 'mem64', kb(16))],
        { currentSpeed: '16.0', maxSpeed: '16.0', currentWidth: 4, maxWidth: 4 },
      ),
    ];
  }
  // C5: the full-size slot
  const link = { currentSpeed: card.maxSpeed, maxSpeed: card.maxSpeed, currentWidth: Math.min(8, card.maxWidth), maxWidth: card.maxWidth };
  return card.functions.map((f, i) =>
    ep(
      i,
      { vendor: f.vendor, device: f.device, subsystemVendor: f.vendor, subsystemDevice: f.device, classCode: f.classCode, revision: 'a1', driver: f.driver, multifunction: card.functions.length > 1 },
      f.classCode === '030000' ? nvidiaBars() : [bar(0, 'mem32', kb(16))],
      link,
    ),
  );
}

/** Windows per controller: [CPU, bus] for 32-bit memory, CPU=bus for 64-bit prefetchable, [logical port, bus port] for I/O. */
const WINDOWS: Record<string, { rootPort: string; np: [bigint, bigint]; pref: bigint; io: [bigint, bigint]; irq: number }> = {
  C1: { rootPort: '229e', np: [0x2030000000n, 0x40000000n], pref: 0x2000000000n, io: [0x001000n, 0x1000n], irq: 174 },
  C4: { rootPort: '229c', np: [0x2428000000n, 0x40000000n], pref: 0x2140000000n, io: [0x101000n, 0x1000n], irq: 186 },
  C5: { rootPort: '229a', np: [0x2b28000000n, 0x40000000n], pref: 0x2740000000n, io: [0x201000n, 0x1000n], irq: 198 },
};

const alignUp = (v: bigint, a: bigint) => ((v + a - 1n) / a) * a;

/** Places BARs like the kernel (largest first, naturally aligned) and returns the windows they need. */
function placeBars(endpoints: EndpointPlan[], w: (typeof WINDOWS)[string]): { mem?: SimWindow; pref?: SimWindow; io?: SimWindow } {
  const all = endpoints.flatMap((e) => e.bars.map((b) => ({ e, b })));
  const space = (b: Omit<SimBar, 'start' | 'busStart'>) => (b.kind === 'io' ? 'io' : b.prefetchable ? 'pref' : 'np');
  const base = { np: w.np, pref: [w.pref, w.pref] as [bigint, bigint], io: w.io };
  const out: Record<string, SimWindow | undefined> = {};
  for (const s of ['np', 'pref', 'io'] as const) {
    const items = all.filter(({ b }) => space(b) === s).sort((x, y) => (y.b.size > x.b.size ? 1 : y.b.size < x.b.size ? -1 : 0));
    let off = 0n;
    for (const { e, b } of items) {
      off = alignUp(off, b.size);
      e.fn.bars.push({ ...b, start: base[s][0] + off, busStart: base[s][1] + off });
      off += b.size;
    }
    const gran = s === 'io' ? 0x1000n : mb(1);
    if (items.length) out[s] = { start: base[s][0], busStart: base[s][1], size: alignUp(off, gran) };
  }
  return { mem: out.np, pref: out.pref, io: out.io };
}

function checkLabels(labels: string[]): string[] {
  for (const l of labels) {
    if (!ORIN_DT_LABELS.includes(l)) throw new Error(`unknown device-tree label ${JSON.stringify(l)}: the Orin's controller labels are ${ORIN_DT_LABELS.join(', ')}`);
  }
  return [...new Set(labels)].sort();
}

export function readOrinMeta(root: string): OrinMeta | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, META_FILE), 'utf8')) as OrinMeta;
  } catch {
    return null;
  }
}

/** Refuses to wipe anything that is not empty or a tree this module wrote. */
function resetRoot(root: string): void {
  if (!path.isAbsolute(root) || path.resolve(root) === '/') throw new Error(`refusing to generate a simulated tree at ${JSON.stringify(root)}`);
  if (fs.existsSync(root) && fs.readdirSync(root).length > 0 && !fs.existsSync(path.join(root, META_FILE))) {
    throw new Error(`${root} is not empty and is not a simulated Orin tree; refusing to overwrite it`);
  }
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
}

/** Writes the devkit's tree as after a fresh boot (with the overlay on overlayLabels). */
export function generateOrinTree(root: string, opts: { card: string; overlayLabels?: string[] }): OrinMeta {
  const card = simCard(opts.card);
  const overlayLabels = checkLabels(opts.overlayLabels ?? []);
  resetRoot(root);
  const tree = new Tree(root);
  const meta: OrinMeta = { card: card.name, overlayLabels, complete: false };
  tree.file(META_FILE, JSON.stringify(meta) + '\n');
  writeBusSkeleton(tree);
  let group = FIRST_PCIE_GROUP;
  for (const c of ORIN_CONTROLLERS.filter((c) => WINDOWS[c.id])) {
    const overlay = c.dtLabel !== null && overlayLabels.includes(c.dtLabel);
    writeDeviceTreeNode(tree, c, true, overlay);
    const pdev = `sys/devices/platform/${c.platformDevice}`;
    tree.dir(pdev);
    tree.link(`${PLATFORM_BUS}/devices/${c.platformDevice}`, pdev);
    const endpoints = endpointsOf(c.id, card, c.domain.toString(16).padStart(4, '0'));
    // An empty slot: the link never comes up and tegra194-pcie fails its probe, so no PCI bus appears.
    if (endpoints.length === 0) continue;
    linkDriver(tree, pdev, PLATFORM_BUS, 'tegra194-pcie');
    if (!overlay) addToGroup(tree, pdev, group);
    writeController(tree, c, pdev, endpoints, group);
    group++;
  }
  for (const c of ORIN_CONTROLLERS.filter((c) => !WINDOWS[c.id])) writeDeviceTreeNode(tree, c, false, false);
  writeSystemFiles(tree);
  meta.complete = true;
  tree.file(META_FILE, JSON.stringify(meta) + '\n');
  return meta;
}

function writeController(tree: Tree, c: ControllerDef, pdev: string, endpoints: EndpointPlan[], group: number): void {
  const domain = c.domain.toString(16).padStart(4, '0');
  const w = WINDOWS[c.id];
  const hostBridge = `${pdev}/pci${domain}:00`;
  const windows = placeBars(endpoints, w);
  const ep0 = endpoints[0].fn.link!;
  const rp: SimPciDevice = {
    address: `${domain}:00:00.0`,
    vendor: '10de', device: w.rootPort, subsystemVendor: '10de', subsystemDevice: '0000', classCode: '060400', revision: 'a1',
    bars: [],
    bridge: { primary: 0, secondary: 1, subordinate: 1, ...windows },
    link: { currentSpeed: ep0.currentSpeed, maxSpeed: '16.0', currentWidth: Math.min(ep0.currentWidth, c.lanes), maxWidth: c.lanes },
    irq: w.irq,
    driver: 'pcieport',
  };
  const rpDir = writePciDevice(tree, hostBridge, rp);
  addToGroup(tree, rpDir, group);
  endpoints.forEach((e, i) => {
    e.fn.irq = w.irq + 1 + i;
    addToGroup(tree, writePciDevice(tree, rpDir, e.fn), group);
  });
}

function writeBusSkeleton(tree: Tree): void {
  for (const d of ['pcieport', 'nvme', 'nouveau', 'snd_hda_intel', 'rtl88x2ce', 'vfio-pci']) ensureDriver(tree, PCI_BUS, d);
  ensureDriver(tree, PLATFORM_BUS, 'tegra194-pcie');
  tree.file(`${PCI_BUS}/drivers_probe`, '');
  tree.file(`${PCI_BUS}/drivers_autoprobe`, '1\n');
  tree.file(`${PCI_BUS}/rescan`, '');
  tree.dir(`${PCI_BUS}/devices`);
  tree.dir(GROUPS);
}

/** /proc/device-tree node of a controller; `iommus` is what the seed's overlay deletes. */
function writeDeviceTreeNode(tree: Tree, c: ControllerDef, okay: boolean, overlay: boolean): void {
  const unit = c.platformDevice.replace('.pcie', '');
  const node = `proc/device-tree/bus@0/pcie@${unit}`;
  if (c.dtLabel) tree.file(`proc/device-tree/__symbols__/${c.dtLabel}`, `/bus@0/pcie@${unit}\0`);
  tree.file(`${node}/compatible`, 'nvidia,tegra234-pcie\0');
  tree.file(`${node}/status`, okay ? 'okay\0' : 'disabled\0');
  const be32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
  tree.file(`${node}/linux,pci-domain`, be32(c.domain));
  if (!overlay) tree.file(`${node}/iommus`, Buffer.concat([be32(c.domain >= 4 && c.domain <= 5 ? 0x2 : 0x3), be32(0x20 + c.domain)]));
}

function writeSystemFiles(tree: Tree): void {
  tree.file('proc/device-tree/compatible', ORIN_COMPATIBLE.map((s) => `${s}\0`).join(''));
  tree.file('proc/device-tree/model', 'NVIDIA Jetson AGX Orin Developer Kit\0');
  tree.file('dev/vfio/vfio', '');
  tree.file('sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts', 'N\n');
  tree.file('kernel-release', `${ORIN_KERNEL_RELEASE}\n`);
  tree.file(
    'proc/mounts',
    [
      '/dev/nvme0n1p1 / ext4 rw,relatime 0 0',
      'devtmpfs /dev devtmpfs rw,relatime,size=30517564k,nr_inodes=7629391,mode=755 0 0',
      'proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0',
      'sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0',
      'tmpfs /run tmpfs rw,nosuid,nodev,size=6203104k,mode=755 0 0',
    ].join('\n') + '\n',
  );
  // default route on the on-board Ethernet (eqos/MGBE, not a PCIe device); the Wi-Fi has a link route
  tree.file(
    'proc/net/route',
    'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n' +
      'eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n' +
      'eth0\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n' +
      'wlP1p1s0\t0002A8C0\t00000000\t0001\t0\t0\t600\t00FFFFFF\t0\t0\t0\n',
  );
}
