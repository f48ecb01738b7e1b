// The page builders on the simulated Orin, read by the real scanner with the system's pci.ids.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { boardView } from '../host/boards';
import { scanHost } from '../host/scan';
import { unpackFixture } from '../host/scan/fixtures';
import { generateOrinTree } from '../host/sim/orin';
import { bootOrin } from '../host/sim/orin-boot';
import type { HostSnapshot } from '../host/types';
import { buildDeviceView } from './device';
import { buildGroupsView } from './groups';
import { buildOverview } from './overview';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function simSnapshot(card: string): HostSnapshot {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-overview-'));
  dirs.push(dir);
  generateOrinTree(path.join(dir, 'root'), { card });
  return scanHost(path.join(dir, 'root'));
}

async function simSnapshotWithOverlay(card: string, overlay: string[]): Promise<HostSnapshot> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-overview-'));
  dirs.push(dir);
  await bootOrin(path.join(dir, 'root'), { card, overlay });
  return scanHost(path.join(dir, 'root'));
}

function overview(snapshot: HostSnapshot, userPower: Parameters<typeof buildOverview>[0]['userPower'] = []) {
  return buildOverview({ snapshot, mode: 'sim', simCard: 't600', board: boardView(snapshot), userPower });
}

describe('overview of the simulated Orin', () => {
  const t600 = overview(simSnapshot('t600'));

  it('shows the devkit with its three slots and what is in them', () => {
    expect(t600.isOrin).toBe(true);
    expect(t600.slots.map((s) => s.id)).toEqual(['x8', 'm2e', 'm2m']);
    const [x8, m2e, m2m] = t600.slots;
    expect(x8.devices.map((d) => [d.address, d.vendorDevice])).toEqual([
      ['0005:01:00.0', '10de:1fb1'],
      ['0005:01:00.1', '10de:10fa'],
    ]);
    expect(x8.devices[0].name).toBe('TU117GL [T600]'); // from the system's pci.ids
    expect(x8.devices[0].state).toMatchObject({ kind: 'host', label: 'host driver nouveau' });
    expect(m2e.devices[0]).toMatchObject({ address: '0001:01:00.0', vendorDevice: '10ec:c822' });
    expect(m2e.devices[0].name).toContain('RTL8822CE');
    expect(m2m.devices[0].address).toBe('0004:01:00.0');
    expect(m2m.devices[0].link?.current).toMatch(/GT\/s/);
  });

  it('puts the T600 at the limit of the x8 slot and leaves the M.2 slots without a gauge', () => {
    const [x8, m2e, m2m] = t600.slots;
    expect(x8.power?.card).toMatchObject({ address: '0005:01:00.0', vendorDevice: '10de:1fb1', name: 'NVIDIA T600' });
    expect(x8.power?.verdict).toMatchObject({ tone: 'warn', watts: 40, label: 'at the limit' });
    expect(x8.power?.guidance.join(' ')).toContain('disconnect every power source');
    expect(m2e.power).toBeNull();
    expect(m2m.power).toBeNull();
  });

  it('gives each slot its group verdict', () => {
    const [x8, , m2m] = t600.slots;
    expect(x8.group?.verdict.text).toBe('not viable: the platform controller 141a0000.pcie (tegra194-pcie) shares this group — take it out with the device-tree overlay');
    expect(m2m.group?.verdict.kind).toMatch(/host-critical|not-viable/);
  });

  it('makes the P1000 red with the reason, and a user figure overrides it', () => {
    const snap = simSnapshot('p1000');
    const v = overview(snap).slots[0].power!.verdict!;
    expect(v).toMatchObject({ tone: 'bad', watts: 47 });
    expect(v.reason).toBe('draws up to 47 W; this slot gives 40 W (a desktop slot gives 75 W)');
    const mine = overview(snap, [{ vendorDevice: '10de:1cb1', maxWatts: 25, note: null, updatedAt: '2026-01-01T00:00:00Z' }]);
    expect(mine.slots[0].power?.verdict).toMatchObject({ tone: 'ok', watts: 25 });
    expect(mine.slots[0].power?.power?.origin).toBe('user');
  });

  it('an empty x8 slot has a gauge without a card', () => {
    const x8 = overview(simSnapshot('none')).slots[0];
    expect(x8).toMatchObject({ state: 'empty', devices: [], rootPort: null });
    expect(x8.power).toMatchObject({ card: null, verdict: null, budgetW: 40, budgetSource: expect.stringMatching(/^Ghaf .*\("max 40 W"\); unverified: NVIDIA's carrier-board specification/) });
  });
});

describe('groups of the simulated Orin', () => {
  it('lists the platform controller with the endpoints, and the overlay makes the group ready', async () => {
    const stock = buildGroupsView({ snapshot: simSnapshot('t600'), board: null });
    const gpu = stock.groups.find((g) => g.members.some((m) => m.name === '0005:01:00.0'))!;
    expect(gpu.members[0]).toMatchObject({ kind: 'platform', name: '141a0000.pcie', driver: 'tegra194-pcie' });
    expect(gpu.members.map((m) => m.name)).toEqual(['141a0000.pcie', '0005:00:00.0', '0005:01:00.0', '0005:01:00.1']);
    expect(gpu.verdict.kind).toBe('not-viable');

    const snap = await simSnapshotWithOverlay('t600', ['141a0000.pcie']);
    const after = buildGroupsView({ snapshot: snap, board: boardView(snap) });
    const g = after.groups.find((x) => x.members.some((m) => m.name === '0005:01:00.0'))!;
    expect(g.members.some((m) => m.kind === 'platform')).toBe(false);
    expect(g.verdict.text).toBe('ready to pass through: bridges stay on pcieport');
    expect(g.slot).toEqual({ id: 'x8', name: 'Full-size PCIe slot (x16 connector, x8 Gen4)' });
  });
});

describe('device page of the simulated Orin', () => {
  const snap = simSnapshot('t600');
  const board = boardView(snap);

  it('shows the GPU with its BARs, link, group, slot and parents', () => {
    const v = buildDeviceView({ snapshot: snap, address: '0005:01:00.0', board })!;
    expect(v.vendor.name).toBe('NVIDIA Corporation');
    expect(v.bars.map((b) => `${b.label} ${b.size} ${b.space} ${b.attributes.join(' ')}`.trim())).toEqual([
      'BAR0 16 MiB memory 32-bit non-prefetchable',
      'BAR1 256 MiB memory 64-bit prefetchable',
      'BAR3 32 MiB memory 64-bit prefetchable',
      'BAR5 128 B I/O',
      'ROM 512 KiB memory',
    ]);
    expect(v.slot?.id).toBe('x8');
    expect(v.group?.members).toContain('141a0000.pcie');
    expect(v.parents[0]).toMatchObject({ name: '0005:00:00.0', isPci: true });
    expect(v.parents.some((p) => p.name === '141a0000.pcie')).toBe(true);
    expect(v.siblings.map((s) => s.address)).toEqual(['0005:01:00.1']);
  });

  it('shows a root port with its windows and the devices below it', () => {
    const v = buildDeviceView({ snapshot: snap, address: '0005:00:00.0', board })!;
    expect(v.summary.isBridge).toBe(true);
    expect(v.windows.length).toBeGreaterThan(0);
    expect(v.children.map((c) => c.address)).toEqual(['0005:01:00.0', '0005:01:00.1']);
  });

  it('has nothing for an address the host does not have', () => {
    expect(buildDeviceView({ snapshot: snap, address: '0009:01:00.0', board })).toBeNull();
  });
});

describe('a generic (non-Orin) host: the kernel rig snapshots', () => {
  it('lists slots by root port, without a power gauge', () => {
    const root = unpackFixture('gpu');
    dirs.push(root);
    const snapshot = scanHost(root);
    const v = buildOverview({ snapshot, mode: 'real', simCard: null, board: boardView(snapshot), userPower: [] });
    expect(v.isOrin).toBe(false);
    expect(v.slots.map((s) => [s.kind, s.id, s.devices.map((d) => d.address)])).toEqual([
      ['root-port', '0000:00:01.0', ['0000:01:00.0']],
      ['root-port', '0000:00:04.0', ['0000:02:00.0']],
      ['root-port', '0000:00:05.0', ['0000:03:00.0', '0000:03:00.1']],
    ]);
    expect(v.slots.every((s) => s.power === null)).toBe(true);
    expect(v.slots[2].group?.verdict.text).toBe('ready to pass through: bridges stay on pcieport');
  });

  it('keeps devices without a group apart, saying which group they will join', () => {
    const root = unpackFixture('nodriver');
    dirs.push(root);
    const snapshot = scanHost(root);
    const v = buildGroupsView({ snapshot, board: boardView(snapshot) });
    expect(v.groupless.length).toBeGreaterThan(0);
    for (const d of v.groupless) expect(d.note).toMatch(/^no IOMMU group yet: the kernel creates it when a driver probes/);
    const xhci = v.groupless.find((d) => d.classCode.startsWith('0c03'));
    expect(xhci?.note).toMatch(/it will join group \d+, its root port's/);
  });
});
