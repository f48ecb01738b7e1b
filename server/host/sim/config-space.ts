// A device's 4 KiB configuration space, consistent with its sysfs attributes, so that
// `lspci -A linux-sysfs` decodes IDs, class, header type, BARs, bus numbers and the PCIe link.
import type { SimBar, SimPciDevice } from './pci-model';

const SPEED_CODE: Record<string, number> = { '2.5': 1, '5.0': 2, '8.0': 3, '16.0': 4, '32.0': 5 };
const PCIE_CAP = 0x40;

export function buildConfigSpace(d: SimPciDevice): Buffer {
  checkBusAddresses(d);
  const c = Buffer.alloc(4096);
  const isBridge = d.bridge !== undefined;
  c.writeUInt16LE(parseInt(d.vendor, 16), 0x00);
  c.writeUInt16LE(parseInt(d.device, 16), 0x02);
  const hasIo = d.bars.some((b) => b.kind === 'io') || !!d.bridge?.io;
  // command: I/O (when it has I/O), memory, bus master; status: capability list
  c.writeUInt16LE(0x0006 | (hasIo ? 1 : 0), 0x04);
  c.writeUInt16LE(0x0010, 0x06);
  c.writeUInt8(parseInt(d.revision, 16), 0x08);
  const cls = parseInt(d.classCode, 16);
  c.writeUInt8(cls & 0xff, 0x09);
  c.writeUInt8((cls >> 8) & 0xff, 0x0a);
  c.writeUInt8((cls >> 16) & 0xff, 0x0b);
  c.writeUInt8(isBridge ? 0x01 | (d.multifunction ? 0x80 : 0) : d.multifunction ? 0x80 : 0x00, 0x0e);
  for (const bar of d.bars) writeBar(c, bar, isBridge);
  if (d.bridge) {
    const b = d.bridge;
    c.writeUInt8(b.primary, 0x18);
    c.writeUInt8(b.secondary, 0x19);
    c.writeUInt8(b.subordinate, 0x1a);
    // Windows hold bus addresses (busStart), never the CPU addresses `resource` shows. A window the
    // bridge does not use is programmed base > limit, as pci_setup_bridge_{io,mmio,mmio_pref}() do
    // (the type nibbles are read-only: 32-bit I/O and 64-bit prefetchable decode).
    if (b.io) {
      const s = Number(b.io.busStart);
      const e = Number(b.io.busStart + b.io.size - 1n);
      c.writeUInt8(((s >> 8) & 0xf0) | 0x01, 0x1c); // 32-bit I/O decode
      c.writeUInt8(((e >> 8) & 0xf0) | 0x01, 0x1d);
      c.writeUInt16LE(s >>> 16, 0x30);
      c.writeUInt16LE(e >>> 16, 0x32);
    } else {
      c.writeUInt8(0xf1, 0x1c);
      c.writeUInt8(0x01, 0x1d);
    }
    if (b.mem) {
      c.writeUInt16LE(Number((b.mem.busStart >> 16n) & 0xfff0n), 0x20);
      c.writeUInt16LE(Number(((b.mem.busStart + b.mem.size - 1n) >> 16n) & 0xfff0n), 0x22);
    } else {
      c.writeUInt16LE(0xfff0, 0x20);
      c.writeUInt16LE(0x0000, 0x22);
    }
    if (b.pref) {
      const s = b.pref.busStart;
      const e = b.pref.busStart + b.pref.size - 1n;
      c.writeUInt16LE(Number((s >> 16n) & 0xfff0n) | 0x1, 0x24); // 64-bit prefetchable
      c.writeUInt16LE(Number((e >> 16n) & 0xfff0n) | 0x1, 0x26);
      c.writeUInt32LE(Number((s >> 32n) & 0xffffffffn), 0x28);
      c.writeUInt32LE(Number((e >> 32n) & 0xffffffffn), 0x2c);
    } else {
      c.writeUInt16LE(0xfff1, 0x24);
      c.writeUInt16LE(0x0001, 0x26);
    }
  } else {
    c.writeUInt16LE(parseInt(d.subsystemVendor, 16), 0x2c);
    c.writeUInt16LE(parseInt(d.subsystemDevice, 16), 0x2e);
  }
  c.writeUInt8(PCIE_CAP, 0x34);
  c.writeUInt8(d.irq ? 0xff : 0, 0x3c);
  c.writeUInt8(d.irq ? 1 : 0, 0x3d);
  writePcieCapability(c, d);
  return c;
}

const FOUR_GIB = 1n << 32n;

/** Refuses what the registers cannot hold instead of silently truncating it. */
function checkBusAddresses(d: SimPciDevice): void {
  const fail = (what: string, start: bigint, size: bigint) => {
    throw new Error(`${d.address}: ${what} at bus 0x${start.toString(16)} (size 0x${size.toString(16)}) does not fit its register`);
  };
  for (const b of d.bars) {
    const limit = b.kind === 'mem64' ? 1n << 64n : FOUR_GIB; // I/O, 32-bit BARs and the ROM are 32-bit registers
    if (b.busStart < 0n || b.busStart + b.size > limit || b.busStart % b.size !== 0n) fail(`BAR ${b.index} (${b.kind})`, b.busStart, b.size);
  }
  const w = d.bridge;
  if (w?.io && (w.io.busStart + w.io.size > FOUR_GIB || w.io.busStart % 0x1000n !== 0n)) fail('I/O window', w.io.busStart, w.io.size);
  if (w?.mem && (w.mem.busStart + w.mem.size > FOUR_GIB || w.mem.busStart % (1n << 20n) !== 0n)) fail('memory window', w.mem.busStart, w.mem.size);
  if (w?.pref && w.pref.busStart % (1n << 20n) !== 0n) fail('prefetchable window', w.pref.busStart, w.pref.size);
}

function writeBar(c: Buffer, bar: SimBar, isBridge: boolean): void {
  if (bar.kind === 'rom') {
    c.writeUInt32LE(Number(bar.busStart & 0xfffff800n), isBridge ? 0x38 : 0x30); // enable bit clear: "[disabled]"
    return;
  }
  const off = 0x10 + 4 * bar.index;
  if (bar.kind === 'io') {
    c.writeUInt32LE((Number(bar.busStart & 0xfffffffcn) | 0x1) >>> 0, off);
  } else if (bar.kind === 'mem32') {
    c.writeUInt32LE((Number(bar.busStart & 0xfffffff0n) | (bar.prefetchable ? 0x8 : 0)) >>> 0, off);
  } else {
    c.writeUInt32LE((Number(bar.busStart & 0xfffffff0n) | 0x4 | (bar.prefetchable ? 0x8 : 0)) >>> 0, off);
    c.writeUInt32LE(Number((bar.busStart >> 32n) & 0xffffffffn), off + 4);
  }
}

/** PCI Express capability (ID 0x10) with link capabilities and status; no further capabilities. */
function writePcieCapability(c: Buffer, d: SimPciDevice): void {
  const type = d.bridge ? 0x4 : 0x0; // root port : endpoint
  c.writeUInt8(0x10, PCIE_CAP);
  c.writeUInt8(0x00, PCIE_CAP + 1);
  c.writeUInt16LE(0x0002 | (type << 4) | (d.bridge ? 0x0100 : 0), PCIE_CAP + 2); // version 2, slot implemented
  if (!d.link) return;
  const maxCode = SPEED_CODE[d.link.maxSpeed] ?? 1;
  const curCode = SPEED_CODE[d.link.currentSpeed] ?? 0;
  c.writeUInt32LE(maxCode | (d.link.maxWidth << 4), PCIE_CAP + 0x0c); // LnkCap
  c.writeUInt16LE(curCode | (d.link.currentWidth << 4), PCIE_CAP + 0x12); // LnkSta
  c.writeUInt32LE((1 << (maxCode + 1)) - 2, PCIE_CAP + 0x2c); // LnkCap2: supported speeds vector
}
