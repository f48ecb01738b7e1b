// One device of the scanner's snapshot against what `lspci -vnnk` printed for it (ids, names, class,
// revision, driver, IOMMU group, BARs, bridge windows): used by the lspci agreement tests and by the
// hardware-in-the-loop run (tests/hil), where lspci runs on a real kernel.
import { expect } from 'vitest';
import type { Bar, PciDevice } from '../types';
import type { LspciDevice } from './lspci-output';

/** Where lspci -v prints a bridge window: as `resource` has it (the default, and all the rig's windows are below 4 GiB). */
export type ShownWindow = (w: Bar) => { start: bigint; end: bigint };
export const asInResource: ShownWindow = (w) => ({ start: BigInt(w.start), end: BigInt(w.end) });
function expectedNameText(d: PciDevice): string {
  if (d.vendor.name && d.device.name) return `${d.vendor.name} ${d.device.name}`;
  if (d.vendor.name) return `${d.vendor.name} Device`;
  return 'Device';
}

export function compareDevice(ours: PciDevice, l: LspciDevice, shown: ShownWindow = asInResource): void {
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
    const match = ours.windows.find((o) => shown(o).start === BigInt(`0x${w.start}`) && shown(o).end === BigInt(`0x${w.end}`));
    expect(match, `${at}${w.type} window ${w.start}-${w.end}`).toBeDefined();
    const type = match!.io ? 'io' : match!.prefetchable ? 'prefetchable' : 'memory';
    expect(at + type).toBe(at + w.type);
  }
}
