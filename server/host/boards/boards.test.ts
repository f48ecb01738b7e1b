import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { HostSnapshot, ParentRef, PciDevice } from '../types';
import { unpackFixture } from '../scan/fixtures';
import { scanHost } from '../scan/index';
import { boardView, detectBoard, genericProfile, mapBoard, orinDevkit } from './index';
import { asPciAddress, pciAddressParts } from '../../../common/pci-address';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));
function scanFixture(name: 'gpu' | 'nodriver' | 'bigbar'): HostSnapshot {
  const root = unpackFixture(name);
  roots.push(root);
  return scanHost(root);
}

// An Orin devkit as its scan looks (docs/sources/orin-facts.md): C1 with the Wi-Fi card, C4 with an NVMe SSD,
// C5 with a two-function GPU; each controller is a platform device in its root port's group.
function orinDevice(text: string, ctrl: string, opts: { bridge?: boolean; rootPort: string; width?: number }): PciDevice {
  const address = asPciAddress(text);
  const rootPort = asPciAddress(opts.rootPort);
  const dom = address.slice(0, 4);
  const parents: ParentRef[] = [
    ...(rootPort === address ? [] : [{ kind: 'pci' as const, name: rootPort, driver: 'pcieport' }]),
    { kind: 'host-bridge', name: `pci${dom}:00`, driver: null },
    { kind: 'platform', name: ctrl, driver: 'tegra194-pcie' },
  ];
  return {
    address,
    ...pciAddressParts(address),
    vendor: { id: '10de', name: 'NVIDIA Corporation' },
    device: { id: '0000', name: null },
    subsystemVendor: null,
    subsystemDevice: null,
    revision: 'a1',
    class: { code: opts.bridge ? '060400' : '030000', className: null, subclassName: null, progIfName: null },
    isBridge: !!opts.bridge,
    driver: opts.bridge ? 'pcieport' : null,
    driverOverride: null,
    iommuGroup: null,
    parents,
    rootPort,
    siblings: [],
    bars: [],
    windows: [],
    link: opts.width ? { currentSpeed: '16.0 GT/s PCIe', maxSpeed: '16.0 GT/s PCIe', currentWidth: opts.width, maxWidth: opts.width } : null,
    blockDevices: [],
    netInterfaces: [],
    sysfsPath: '',
    warnings: [],
  };
}

function orinSnapshot(dtCompatible: string[]): HostSnapshot {
  const devices = [
    orinDevice('0001:00:00.0', '14100000.pcie', { bridge: true, rootPort: '0001:00:00.0', width: 1 }),
    orinDevice('0001:01:00.0', '14100000.pcie', { rootPort: '0001:00:00.0' }),
    orinDevice('0004:00:00.0', '14160000.pcie', { bridge: true, rootPort: '0004:00:00.0', width: 4 }),
    orinDevice('0004:01:00.0', '14160000.pcie', { rootPort: '0004:00:00.0' }),
    orinDevice('0005:00:00.0', '141a0000.pcie', { bridge: true, rootPort: '0005:00:00.0', width: 8 }),
    orinDevice('0005:01:00.1', '141a0000.pcie', { rootPort: '0005:00:00.0' }),
    orinDevice('0005:01:00.0', '141a0000.pcie', { rootPort: '0005:00:00.0' }),
  ];
  return {
    root: '/x',
    takenAt: '',
    devices,
    groups: [],
    drivers: [],
    vfio: { containerNode: true, groupNodes: [], vfioPciDriver: true, allowUnsafeInterrupts: null, interruptRemapping: null },
    dtCompatible,
    mounts: [],
    defaultRouteInterfaces: [],
    kernelRelease: null,
    warnings: [],
  };
}

describe('the Orin devkit profile', () => {
  it('has the three slots with their controllers, domains and power', () => {
    expect(orinDevkit.slots.map((s) => [s.id, s.kind, s.controller, s.domain, s.lanes, s.powerBudgetW])).toEqual([
      ['x8', 'pcie-x16-connector', 'C5', 5, 8, 40],
      ['m2e', 'm2-key-e', 'C1', 1, 1, null],
      ['m2m', 'm2-key-m', 'C4', 4, 4, null],
    ]);
    for (const slot of orinDevkit.slots) {
      const ctrl = orinDevkit.controllers.find((c) => c.id === slot.controller)!;
      expect([ctrl.domain, ctrl.lanes]).toEqual([slot.domain, slot.lanes]);
      expect(slot.source.length).toBeGreaterThan(20);
    }
    expect(orinDevkit.controllers.map((c) => c.platformDevice)).toContain('141a0000.pcie');
    expect(orinDevkit.controllers.find((c) => c.id === 'C10')!.domain).toBe(10);
    expect(orinDevkit.controllers.every((c) => c.source.length > 20)).toBe(true);
  });
});

describe('detectBoard', () => {
  it.each([
    ['the module compatible', ['nvidia,p3701-0005', 'nvidia,tegra234']],
    ['the devkit carrier+module compatible', ['nvidia,p3737-0000+p3701-0005']],
    ['the carrier compatible alone', ['nvidia,p3737-0000']],
  ])('is the Orin devkit by %s', (_, compatible) => {
    const s = orinSnapshot(compatible);
    s.devices = [];
    expect(detectBoard(s)).toBe(orinDevkit);
  });

  it('is the Orin devkit by its platform PCIe controllers when there is no device tree', () => {
    expect(detectBoard(orinSnapshot([]))).toBe(orinDevkit);
  });

  it('is generic for other device trees and for the rig', () => {
    const other = orinSnapshot(['raspberrypi,5-model-b', 'brcm,bcm2712']);
    other.devices = [];
    expect(detectBoard(other).id).toBe('generic');
    expect(detectBoard(scanFixture('gpu')).id).toBe('generic');
  });
});

describe('mapBoard', () => {
  it('puts the Orin devices in their slots, functions in order', () => {
    const view = mapBoard(orinSnapshot(['nvidia,tegra234']), orinDevkit);
    const bySlot = Object.fromEntries(view.slots.map((s) => [s.slot.id, [s.rootPort?.address, ...s.devices.map((d) => d.address)]]));
    expect(bySlot).toEqual({
      x8: ['0005:00:00.0', '0005:01:00.0', '0005:01:00.1'],
      m2e: ['0001:00:00.0', '0001:01:00.0'],
      m2m: ['0004:00:00.0', '0004:01:00.0'],
    });
    expect(view.unplaced).toEqual([]);
  });

  it('shows an empty x8 slot and keeps devices of other domains unplaced', () => {
    const s = orinSnapshot(['nvidia,tegra234']);
    s.devices = s.devices.filter((d) => d.domain !== 5);
    s.devices.push(orinDevice('0000:00:00.0', '14180000.pcie', { bridge: true, rootPort: '0000:00:00.0' }));
    const view = boardView(s);
    expect(view.slots.find((v) => v.slot.id === 'x8')).toMatchObject({ rootPort: null, devices: [] });
    expect(view.unplaced).toEqual(['0000:00:00.0']);
  });

  it('makes one generic slot per root port of a real scan', () => {
    const snapshot = scanFixture('gpu');
    const view = boardView(snapshot);
    expect(view.board).toEqual(genericProfile(snapshot));
    // QEMU's root ports advertise x32 (max_link_width)
    expect(view.slots.map((s) => [s.slot.id, s.slot.lanes, s.devices.map((d) => d.address)])).toEqual([
      ['0000:00:01.0', 32, ['0000:01:00.0']],
      ['0000:00:04.0', 32, ['0000:02:00.0']],
      ['0000:00:05.0', 32, ['0000:03:00.0', '0000:03:00.1']],
    ]);
    expect(view.board.controllers).toEqual([expect.objectContaining({ id: 'D0000', platformDevice: '4010000000.pcie', domain: 0 })]);
    expect(view.unplaced).toEqual(['0000:00:00.0']);
  });

  it('places devices behind bridges and leaves root-bus endpoints unplaced', () => {
    const view = boardView(scanFixture('nodriver'));
    expect(view.slots.map((s) => [s.slot.id, s.devices.map((d) => d.address)])).toEqual([
      ['0000:00:01.0', ['0000:01:00.0', '0000:01:00.1']],
      ['0000:00:03.0', ['0000:02:01.0']],
      ['0000:00:04.0', ['0000:04:02.0']], // the PCIe-to-PCI bridge 03:00.0 is in the slot but not listed
    ]);
    expect(view.unplaced).toEqual(['0000:00:00.0', '0000:00:02.0']);
  });
});
