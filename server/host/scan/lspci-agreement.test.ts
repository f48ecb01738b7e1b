import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHostAt } from '../index';
import { busOffset, type Aperture } from '../sim/address-map';
import { SIM_CARDS } from '../sim/cards';
import { generateOrinTree, orinApertures } from '../sim/orin';
import { generateSyntheticTree, syntheticApertures } from '../sim/synthetic';
import type { Bar, PciDevice } from '../types';
import { FIXTURES, lspciOnTree, makeTempDir, unpackFixture, type FixtureName } from './fixtures';
import { scanHost } from './index';
import { parseLspciBusCentric, type BusCentricDevice } from './lspci-buscentric';
import { parseLspci, type LspciDevice } from './lspci-output';
import { asInResource, compareDevice, type ShownWindow } from './lspci-compare';

// The scanner must see every tree exactly as lspci 3.9 (reading the same files) does.
const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

/**
 * lspci 3.9 prints a non-prefetchable window through a u32 (lspci.c show_htype1), so one the
 * kernel put above 4 GiB (every Tegra234 one: CPU 0x2b28000000 for bus 0x40000000) shows its low
 * 32 bits; I/O and prefetchable windows show as they are.
 */
const asLspci39Prints: ShownWindow = (w) => {
  if (w.io || w.prefetchable) return asInResource(w);
  const start = BigInt(w.start) & 0xffffffffn;
  return { start, end: (start + BigInt(w.size) - 1n) & 0xffffffffn };
};

describe.each(Object.keys(FIXTURES) as FixtureName[])('scanner agrees with lspci on the %s snapshot', (name) => {
  const root = unpackFixture(name);
  roots.push(root);
  const snapshot = scanHost(root);
  const live = parseLspci(lspciOnTree(root));

  it('lspci today prints what was recorded with the fixture', () => {
    expect(live.length).toBeGreaterThan(3);
    expect(parseLspci(fs.readFileSync(FIXTURES[name].lspci, 'utf8'))).toEqual(live);
  });

  it('scans the tree without warnings and finds the same devices', () => {
    expect(snapshot.warnings).toEqual([]);
    expect(snapshot.devices.map((d) => d.address).sort()).toEqual(live.map((l) => l.address).sort());
  });

  it('agrees on ids, class, revision, driver, IOMMU group, BARs and bridge windows of every device', () => {
    for (const l of live) compareDevice(snapshot.devices.find((d) => d.address === l.address)!, l);
  });

  it('lists every IOMMU group member lspci attributes to the group', () => {
    for (const l of live.filter((d) => d.iommuGroup !== null)) {
      const group = snapshot.groups.find((g) => g.id === l.iommuGroup);
      expect(group?.members.map((m) => m.name)).toContain(l.address);
    }
  });
});

/** CPU (resource) address -> PCI bus address for a device, or null when no host-bridge aperture holds it. */
type ToBus = (device: string, io: boolean, cpu: bigint) => bigint | null;
const identity: ToBus = (_device, _io, cpu) => cpu;
const viaApertures =
  (apertures: (domain: number) => readonly Aperture[] | null): ToBus =>
  (device, io, cpu) => {
    const a = apertures(parseInt(device.split(':')[0], 16));
    const offset = a ? busOffset(a, io, cpu) : null;
    return offset === null ? null : cpu - offset;
  };

/**
 * Config space against `resource`: every BAR, the ROM and every bridge window must hold the bus
 * address of what `resource` shows (translated through the host bridge's apertures), with the same
 * type; 32-bit BARs and non-prefetchable windows must sit below 4 GiB on the bus.
 */
function compareBusAddresses(ours: PciDevice, b: BusCentricDevice, toBus: ToBus, opts: { virtualRom?: boolean } = {}): void {
  const at = `${b.address}: `;
  // virtualRom: a real kernel may assign the ROM a resource without writing the ROM BAR (lspci -v
  // says "[virtual]"; the rig's e1000e): then config space has no ROM address to compare.
  const romInConfig = b.regions.some((r) => r.type === 'rom' && r.address !== null);
  const regions = ours.bars.filter((x) => x.kind === 'bar' || (x.kind === 'rom' && (romInConfig || !opts.virtualRom)));
  expect(at + b.regions.filter((r) => r.address !== null).map((r) => r.index).join(',')).toBe(at + regions.map((r) => r.index).join(','));
  for (const bar of regions) {
    const where = `${at}BAR index ${bar.index}: `;
    const r = b.regions.find((x) => x.index === bar.index)!;
    const bus = toBus(b.address, bar.io, BigInt(bar.start));
    expect(where + (bus === null ? 'outside every aperture' : `0x${bus.toString(16)}`)).toBe(where + `0x${r.address!.toString(16)}`);
    expect(where + (bar.kind === 'rom' ? 'rom' : bar.io ? 'io' : 'memory')).toBe(where + r.type);
    if (r.type === 'memory') {
      expect(where + `64-bit=${bar.is64} prefetchable=${bar.prefetchable}`).toBe(where + `64-bit=${r.is64} prefetchable=${r.prefetchable}`);
      if (!r.is64) expect(where + (r.address! + BigInt(bar.size) <= 1n << 32n)).toBe(where + true);
    }
  }
  const kind = (w: Bar) => (w.io ? 'io' : w.prefetchable ? 'prefetchable' : 'memory');
  expect(at + b.windows.map((w) => w.type).sort().join(',')).toBe(at + ours.windows.map(kind).sort().join(','));
  for (const w of ours.windows) {
    const where = `${at}${kind(w)} window: `;
    const lw = b.windows.find((x) => x.type === kind(w))!;
    const bus = toBus(b.address, w.io, BigInt(w.start));
    const expected = bus === null ? 'outside every aperture' : `0x${bus.toString(16)}-0x${(bus + BigInt(w.size) - 1n).toString(16)}`;
    expect(where + expected).toBe(where + `0x${lw.start.toString(16)}-0x${lw.end.toString(16)}`);
    if (kind(w) === 'memory') expect(where + (lw.end < 1n << 32n)).toBe(where + true);
  }
}

describe.each(Object.keys(FIXTURES) as FixtureName[])('config space agrees with resource on the %s snapshot (lspci -b)', (name) => {
  // QEMU's virt machine maps its PCI memory 1:1 and its I/O ports from bus port 0: no translation.
  const root = unpackFixture(name);
  roots.push(root);
  const snapshot = scanHost(root);

  it('holds the bus address of every BAR and bridge window', () => {
    const bus = parseLspciBusCentric(lspciOnTree(root, ['-D', '-b', '-vv']));
    expect(bus.map((d) => d.address).sort()).toEqual(snapshot.devices.map((d) => d.address).sort());
    for (const b of bus) compareBusAddresses(snapshot.devices.find((d) => d.address === b.address)!, b, identity, { virtualRom: true });
  });
});

// The generated trees (server/host/sim): the simulated Orin with each card, after an overlay reboot
// with the GPU handed to vfio-pci, and a small synthetic tree. Their `resource` holds CPU addresses
// and their config space bus addresses, translated through the apertures the generators document.
const GPU = '0005:01:00.0';
const AUDIO = '0005:01:00.1';
const SIM_TREES: { name: string; make: (root: string) => void | Promise<void>; toBus: ToBus }[] = [
  ...SIM_CARDS.map((c) => ({ name: `simulated Orin (${c.name})`, make: (root: string) => void generateOrinTree(root, { card: c.name }), toBus: viaApertures(orinApertures) })),
  {
    name: 'simulated Orin (t600) after an overlay reboot, GPU on vfio-pci',
    make: async (root: string) => {
      generateOrinTree(root, { card: 't600' });
      const host = openHostAt(root, 'sim');
      await host.sim!.reboot({ overlay: ['14100000.pcie', '141a0000.pcie'] });
      for (const a of [GPU, AUDIO]) {
        expect(host.write(`sys/bus/pci/devices/${a}/driver_override`, 'vfio-pci').ok).toBe(true);
        expect(host.write(`sys/bus/pci/devices/${a}/driver/unbind`, a).ok).toBe(true);
        expect(host.write('sys/bus/pci/drivers_probe', a).ok).toBe(true);
      }
    },
    toBus: viaApertures(orinApertures),
  },
  { name: 'synthetic tree (64 devices)', make: (root: string) => void generateSyntheticTree(root, { devices: 64 }), toBus: viaApertures(syntheticApertures) },
];

describe.each(SIM_TREES)('scanner agrees with lspci on the $name', ({ name, make, toBus }) => {
  const root = path.join(makeTempDir('jetvm-scan-sim-'), 'root');
  roots.push(path.dirname(root));
  let snapshot: ReturnType<typeof scanHost>;
  let live: LspciDevice[];
  beforeAll(async () => {
    await make(root);
    snapshot = scanHost(root);
    live = parseLspci(lspciOnTree(root));
  });

  it('scans the tree without warnings and finds the same devices', () => {
    expect(live.length, name).toBeGreaterThan(name.includes('(none)') ? 3 : 5);
    expect(snapshot.warnings).toEqual([]);
    expect(snapshot.devices.map((d) => d.address).sort()).toEqual(live.map((l) => l.address).sort());
  });

  it('agrees on ids, class, revision, driver, IOMMU group, BARs and bridge windows of every device', () => {
    for (const l of live) {
      const ours = snapshot.devices.find((d) => d.address === l.address)!;
      compareDevice(ours, l, asLspci39Prints);
      expect(`${l.address}: ${l.windows.length} windows`).toBe(`${l.address}: ${ours.windows.length} windows`);
    }
  });

  it('lists every IOMMU group member lspci attributes to the group', () => {
    for (const l of live.filter((d) => d.iommuGroup !== null)) {
      const group = snapshot.groups.find((g) => g.id === l.iommuGroup);
      expect(group?.members.map((m) => m.name)).toContain(l.address);
    }
  });

  it('holds in config space the bus address of every BAR and bridge window (lspci -b)', () => {
    const bus = parseLspciBusCentric(lspciOnTree(root, ['-D', '-b', '-vv']));
    expect(bus.map((d) => d.address).sort()).toEqual(snapshot.devices.map((d) => d.address).sort());
    for (const b of bus) compareBusAddresses(snapshot.devices.find((d) => d.address === b.address)!, b, toBus);
  });
});
