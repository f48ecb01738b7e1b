import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { PciDevice } from '../types';
import { FIXTURES, lspciOnTree, unpackFixture, type FixtureName } from './fixtures';
import { scanHost } from './index';
import { parseLspci, type LspciDevice } from './lspci-output';

// The scanner must see every tree exactly as lspci 3.9 (reading the same files) does.
const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

function expectedNameText(d: PciDevice): string {
  if (d.vendor.name && d.device.name) return `${d.vendor.name} ${d.device.name}`;
  if (d.vendor.name) return `${d.vendor.name} Device`;
  return 'Device';
}

function compareDevice(ours: PciDevice, l: LspciDevice): void {
  const at = `${l.address}: `;
  expect(at + ours.class.code).toBe(at + l.classCode + l.progIf);
  expect(at + `${ours.vendor.id}:${ours.device.id}`).toBe(at + `${l.vendor}:${l.device}`);
  expect(at + expectedNameText(ours)).toBe(at + l.vendorDeviceText);
  if (l.subsystem) {
    expect(at + `${ours.subsystemVendor?.id}:${ours.subsystemDevice?.id}`).toBe(at + `${l.subsystem.vendor}:${l.subsystem.device}`);
  } else {
    // bridges without an SSID capability: lspci prints no Subsystem line; sysfs says 0000
    expect([null, '0000']).toContain(ours.subsystemVendor?.id ?? null);
  }
  expect(at + ours.revision).toBe(at + l.revision);
  expect(at + ours.driver).toBe(at + l.driver);
  expect(at + ours.iommuGroup).toBe(at + l.iommuGroup);

  const regions = ours.bars.filter((b) => b.kind === 'bar' || b.kind === 'rom');
  expect(at + regions.length).toBe(at + l.regions.length);
  regions.forEach((bar, i) => {
    const r = l.regions[i];
    const where = `${at}BAR index ${bar.index}: `;
    expect(where + BigInt(bar.start)).toBe(where + BigInt(`0x${r.address}`));
    expect(where + bar.size).toBe(where + r.size);
    const type = bar.kind === 'rom' ? 'rom' : bar.io ? 'io' : 'memory';
    expect(where + type).toBe(where + r.type);
    if (r.type === 'memory') {
      expect(where + `64-bit=${bar.is64} prefetchable=${bar.prefetchable}`).toBe(where + `64-bit=${r.is64} prefetchable=${r.prefetchable}`);
    }
  });

  for (const w of l.windows) {
    const match = ours.windows.find((o) => BigInt(o.start) === BigInt(`0x${w.start}`) && BigInt(o.end) === BigInt(`0x${w.end}`));
    expect(match, `${at}${w.type} window ${w.start}-${w.end}`).toBeDefined();
    const type = match!.io ? 'io' : match!.prefetchable ? 'prefetchable' : 'memory';
    expect(at + type).toBe(at + w.type);
  }
}

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
