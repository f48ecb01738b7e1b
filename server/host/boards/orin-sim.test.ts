import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../scan/fixtures';
import { scanHost } from '../scan/index';
import { generateOrinTree } from '../sim/orin';
import { bootOrin } from '../sim/orin-boot';
import { boardView, detectBoard, orinDevkit } from './index';

// The simulated devkit tree (server/host/sim), scanned: the board must be recognised and every
// device must land in its physical slot.
const work = makeTempDir('jetvm-orin-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function scanOrin(card: string) {
  const root = path.join(work, `${card}-stock`);
  generateOrinTree(root, { card });
  return scanHost(root);
}

async function scanOrinWithOverlay(card: string, overlay: string[]) {
  const root = path.join(work, `${card}-${overlay.join('+')}`);
  await bootOrin(root, { card, overlay });
  return scanHost(root);
}

describe('the simulated Orin devkit, scanned and mapped', () => {
  const snapshot = scanOrin('t600');
  const view = boardView(snapshot);
  const slot = (id: string) => view.slots.find((s) => s.slot.id === id)!;

  it('is detected as the devkit and scans without warnings', () => {
    expect(snapshot.warnings).toEqual([]);
    expect(detectBoard(snapshot)).toBe(orinDevkit);
  });

  it('puts the GPU in the x8 slot, the Wi-Fi in M.2 Key E and the SSD in M.2 Key M', () => {
    expect(slot('x8').rootPort?.address).toBe('0005:00:00.0');
    expect(slot('x8').devices.map((d) => [d.address, d.vendor.id, d.device.id])).toEqual([
      ['0005:01:00.0', '10de', '1fb1'],
      ['0005:01:00.1', '10de', '10fa'],
    ]);
    expect(slot('m2e').devices.map((d) => [d.address, d.device.id, d.netInterfaces])).toEqual([['0001:01:00.0', 'c822', ['wlP1p1s0']]]);
    expect(slot('m2m').devices.map((d) => [d.address, d.class.code, d.blockDevices])).toEqual([['0004:01:00.0', '010802', ['nvme0n1']]]);
    expect(view.unplaced).toEqual([]);
  });

  it('shows the platform controller inside the x8 slot group, and not after the overlay', async () => {
    const group = (s: typeof snapshot) => s.groups.find((g) => g.members.some((m) => m.name === '0005:01:00.0'))!;
    expect(group(snapshot).members).toContainEqual({ kind: 'platform', name: '141a0000.pcie', driver: 'tegra194-pcie' });
    const after = await scanOrinWithOverlay('t600', ['141a0000.pcie']);
    expect(after.warnings).toEqual([]);
    expect(group(after).members.map((m) => m.kind)).not.toContain('platform');
  });

  it('shows an empty x8 slot when no card is fitted', () => {
    const empty = boardView(scanOrin('none'));
    expect(empty.board).toBe(orinDevkit);
    expect(empty.slots.find((s) => s.slot.id === 'x8')!.devices).toEqual([]);
  });
});
