// The simulated Jetson AGX Orin devkit, written as the sysfs/devfs/procfs tree its kernel shows.
// Facts and their sources: docs/sources/orin-facts.md; the device tree: trees/README.md. Each controller's apertures and their CPU/bus
// translation come from the Tegra234 device tree (ORIN_HOSTS); where BARs land inside them is
// illustrative. Group numbers come from probe order.
import fs from 'node:fs';
import path from 'node:path';
import { simCard, type SimCard } from './cards';
import { ApertureAllocator, type Aperture, type BarPlan } from './address-map';
import { writePciDevice, type SimPciDevice } from './pci-device';
import { ORIN_CONTROLLERS } from '../boards/orin-devkit';
import type { ControllerDef } from '../boards/types';
import { GROUPS, PLATFORM_BUS, PCI_BUS, Tree, addToGroup, ensureDriver, linkDriver } from './tree';
import { formatPciAddress } from '../../../common/pci-address';
import { DT_BASE, FDT_FILE } from '../../devicetree/booted-tree';
import { type FdtNode, nodeAt, parseFdt } from '../../devicetree/fdt';
import { findController } from '../../devicetree/targets';
import { devkitTree, type L4tRelease } from '../../devicetree/trees';
import { writeOrinProc } from './orin-proc';

export const ORIN_KERNEL_RELEASES: Record<L4tRelease, string> = { r35: '5.10.104-tegra', r36: '5.15.185-tegra' };
/** r36.4.4 log: "tegra194-pcie 14100000.pcie: Adding to iommu group 5" (lower groups: other SoC devices) */
const FIRST_PCIE_GROUP = 5;
const META_FILE = '.sim-orin.json';

export interface OrinMeta {
  card: string;
  /** the L4T release whose devkit tree the board boots (JETVM_SIM_L4T) */
  release: L4tRelease;
  /** platform devices the overlay in /boot names, e.g. ["141a0000.pcie"]: the booted tree has them applied */
  overlay: string[];
  /** false while the tree is being written: a crash midway leaves a tree that gets regenerated */
  complete: boolean;
  /** SIM_LAYOUT of the jetvm that wrote it: an older tree (say, without /proc/cmdline) is regenerated */
  layout?: number;
}

/** Raised when the generator writes something new, so trees in existing data directories get it too. */
export const SIM_LAYOUT = 2;

const mb = (n: number) => BigInt(n) << 20n;
const kb = (n: number) => BigInt(n) << 10n;

function bar(index: number, kind: BarPlan['kind'], size: bigint, prefetchable = false): BarPlan {
  return { index, kind, size, prefetchable };
}

interface EndpointPlan {
  fn: SimPciDevice;
  bars: BarPlan[];
}

const nvidiaBars = () => [bar(0, 'mem32', mb(16)), bar(1, 'mem64', mb(256), true), bar(3, 'mem64', mb(32), true), bar(5, 'io', 128n), bar(6, 'rom', kb(512))];

function endpointsOf(controller: string, card: SimCard, domain: number): EndpointPlan[] {
  const ep = (fn: number, f: Omit<SimPciDevice, 'address' | 'bars' | 'irq' | 'link'>, bars: EndpointPlan['bars'], link: SimPciDevice['link']): EndpointPlan => ({
    fn: { ...f, address: formatPciAddress({ domain, bus: 1, slot: 0, fn }), bars: [], irq: 0, link },
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

/**
 * Each controller's apertures, from its device-tree `ranges` (PCI bus address -> CPU address):
 * mainline arch/arm64/boot/dts/nvidia/tegra234.dtsi as NVIDIA upstreamed it (commit ec142c44b026
 * "arm64: tegra: Add P2U and PCIe controller nodes to Tegra234 DT"; C5's prefetchable aperture as
 * moved below the 32 GiB line by 248400656b1c "arm64: tegra: Fix Prefetchable aperture ranges of
 * Tegra234 PCIe controllers"). JetPack 6 (r36, the 5.15.185-tegra modelled here) takes its Tegra234
 * DT from that upstream file (inferred, not read off a devkit). The r35 (JetPack 5) L4T
 * tegra234-soc-pcie.dtsi (OE4T/linux-tegra-5.10) maps a 30 MB non-prefetchable window 1:1 below
 * 4 GiB instead (C1 0x30200000, C4 0x36200000, C5 0x3a200000), i.e. no translation there.
 *
 *   ctrl  prefetchable (1:1)         non-prefetchable                     downstream I/O
 *   C1    0x20_8000_0000, 640 MB     bus 0x4000_0000 @ CPU 0x20_a800_0000 bus 0x3010_0000, 1 MB
 *   C4    0x21_4000_0000, 11904 MB   bus 0x4000_0000 @ CPU 0x24_2800_0000 bus 0x3610_0000, 1 MB
 *   C5    0x28_0000_0000, 12928 MB   bus 0x4000_0000 @ CPU 0x2b_2800_0000 bus 0x3a10_0000, 1 MB
 *   (every non-prefetchable window is 128 MB)
 *
 * So `resource` shows the non-prefetchable window and BARs at e.g. 0x2b28000000 while config
 * space holds 0x40000000 (offset CPU - bus = 0x2ae8000000 on C5); prefetchable ones are the same in
 * both. I/O: the kernel numbers each host bridge's 1 MB range with logical ports in probe order
 * (pci_register_io_range: C1 from 0x0, C4 from 0x100000, C5 from 0x200000), which `resource` shows,
 * while BARs hold bus ports 0x301xxxxx/0x361xxxxx/0x3a1xxxxx (32-bit I/O decode). Allocation
 * inside an aperture (first port from its start, I/O from +0x1000) is illustrative, not measured.
 */
const ORIN_HOSTS: Record<string, { rootPort: string; apertures: Aperture[]; irq: number }> = {
  C1: { rootPort: '229e', apertures: tegraApertures(0x2080000000n, 0x28000000n, 0x20a8000000n, 0x30100000n, 0x000000n), irq: 174 },
  C4: { rootPort: '229c', apertures: tegraApertures(0x2140000000n, 0x2e8000000n, 0x2428000000n, 0x36100000n, 0x100000n), irq: 186 },
  C5: { rootPort: '229a', apertures: tegraApertures(0x2800000000n, 0x328000000n, 0x2b28000000n, 0x3a100000n, 0x200000n), irq: 198 },
};

function tegraApertures(pref: bigint, prefSize: bigint, npCpu: bigint, ioBus: bigint, ioLogical: bigint): Aperture[] {
  return [
    { kind: 'pref', cpu: pref, bus: pref, size: prefSize },
    { kind: 'mem', cpu: npCpu, bus: 0x40000000n, size: mb(128) },
    { kind: 'io', cpu: ioLogical, bus: ioBus, size: mb(1) },
  ];
}

/** The apertures of the controller with that PCI domain (what the agreement test translates with); null for an unknown domain. */
export function orinApertures(domain: number): readonly Aperture[] | null {
  const c = ORIN_CONTROLLERS.find((x) => x.domain === domain);
  return (c && ORIN_HOSTS[c.id]?.apertures) ?? null;
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

export interface OrinBoot {
  card: string;
  release?: L4tRelease;
  /** the tree the board booted: the release's devkit tree, with the overlay applied when there is one (orin-boot.ts) */
  fdt?: Buffer;
  /** the controllers that overlay names (recorded; the tree itself decides the groups) */
  overlay?: string[];
}

/**
 * Writes the devkit's tree as after a fresh boot of `fdt`: a controller whose node keeps a non-empty
 * `iommus` shares the IOMMU group with its root port and endpoints; one whose `iommus` is empty (the
 * overlay) or absent is in no group.
 */
export function generateOrinTree(root: string, opts: OrinBoot): OrinMeta {
  const card = simCard(opts.card);
  const release = opts.release ?? 'r36';
  const fdt = opts.fdt ?? devkitTree(release);
  const dt = parseFdt(fdt);
  const nodes = new Map(ORIN_CONTROLLERS.map((c) => [c.id, findController(dt, c.platformDevice)]));
  resetRoot(root);
  const tree = new Tree(root);
  const meta: OrinMeta = { card: card.name, release, overlay: [...new Set(opts.overlay ?? [])].sort(), complete: false, layout: SIM_LAYOUT };
  tree.file(META_FILE, JSON.stringify(meta) + '\n');
  writeBusSkeleton(tree);
  writeDeviceTree(tree, dt, fdt, [...nodes.values()].map((n) => n.path));
  let group = FIRST_PCIE_GROUP;
  for (const c of ORIN_CONTROLLERS.filter((c) => ORIN_HOSTS[c.id])) {
    const node = nodes.get(c.id)!;
    // the kernel names a platform device after its node and nests it like the node: bus@0/141a0000.pcie
    const pdev = `sys/devices/platform${path.posix.dirname(node.path).replace(/^\/$/, '')}/${c.platformDevice}`;
    tree.dir(pdev);
    tree.link(`${pdev}/of_node`, `${DT_BASE}${node.path}`);
    tree.link(`${PLATFORM_BUS}/devices/${c.platformDevice}`, pdev);
    const endpoints = endpointsOf(c.id, card, c.domain);
    // An empty slot: the link never comes up and tegra194-pcie fails its probe, so no PCI bus appears.
    if (endpoints.length === 0) continue;
    linkDriver(tree, pdev, PLATFORM_BUS, 'tegra194-pcie');
    if (node.iommus === 'set') addToGroup(tree, pdev, group);
    writeController(tree, c, pdev, endpoints, group);
    group++;
  }
  writeSystemFiles(tree, release);
  writeOrinProc(tree);
  meta.complete = true;
  tree.file(META_FILE, JSON.stringify(meta) + '\n');
  return meta;
}

function writeController(tree: Tree, c: ControllerDef, pdev: string, endpoints: EndpointPlan[], group: number): void {
  const domain = c.domain.toString(16).padStart(4, '0');
  const w = ORIN_HOSTS[c.id];
  const hostBridge = `${pdev}/pci${domain}:00`;
  const windows = new ApertureAllocator(w.apertures).place(endpoints.map((e) => ({ plan: e.bars, bars: e.fn.bars })));
  const ep0 = endpoints[0].fn.link!;
  const rp: SimPciDevice = {
    address: formatPciAddress({ domain: c.domain, bus: 0, slot: 0, fn: 0 }),
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

/**
 * /sys/firmware/fdt is the booted tree itself; /sys/firmware/devicetree/base (and /proc/device-tree,
 * a link to it) shows the root's properties and the PCIe controllers' nodes, each property a file of
 * its raw bytes as the kernel shows them. The rest of the tree is only in the fdt.
 */
function writeDeviceTree(tree: Tree, dt: FdtNode, fdt: Buffer, controllerPaths: string[]): void {
  tree.file(FDT_FILE, fdt);
  const writeProps = (node: FdtNode) => {
    for (const [name, value] of node.props) tree.file(`${DT_BASE}${node.path === '/' ? '' : node.path}/${name}`, value);
  };
  writeProps(dt);
  for (const p of controllerPaths) writeProps(nodeAt(dt, p)!);
  tree.link('proc/device-tree', DT_BASE);
}

/** /etc/nv_tegra_release's opening fields for the release of the tree carried (the real line goes on with GCID, BOARD, EABI, DATE; left out). */
const NV_TEGRA_RELEASE: Record<L4tRelease, string> = {
  r35: '# R35 (release), REVISION: 2.1\n',
  r36: '# R36 (release), REVISION: 4.2\n',
};

function writeSystemFiles(tree: Tree, release: L4tRelease): void {
  tree.file('etc/nv_tegra_release', NV_TEGRA_RELEASE[release]);
  tree.file('dev/vfio/vfio', '');
  tree.file('sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts', 'N\n');
  tree.file('kernel-release', `${ORIN_KERNEL_RELEASES[release]}\n`);
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
