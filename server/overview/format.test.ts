import { describe, expect, it } from 'vitest';
import type { Bar } from '../host/types';
import { barView, humanSize, linkView, speedText } from './format';

describe('humanSize', () => {
  it.each([
    [0, '0 B'],
    [128, '128 B'],
    [4096, '4 KiB'],
    [512 * 1024, '512 KiB'],
    [16 * 2 ** 20, '16 MiB'],
    [256 * 2 ** 20, '256 MiB'],
    [1.5 * 2 ** 20, '1.5 MiB'],
    [8 * 2 ** 30, '8 GiB'],
    [2 ** 40, '1 TiB'],
    [-1, '?'],
  ])('%d → %s', (bytes, text) => expect(humanSize(bytes)).toBe(text));
});

const bar = (b: Partial<Bar>): Bar => ({ index: 0, kind: 'bar', start: '0x0', end: '0x0', size: 0, flags: 0, io: false, is64: false, prefetchable: false, ...b });

describe('barView (the typical NVIDIA BARs from docs/sources/orin-facts.md)', () => {
  it.each([
    [bar({ index: 0, size: 16 * 2 ** 20 }), 'BAR0', '16 MiB', 'memory', ['32-bit', 'non-prefetchable']],
    [bar({ index: 1, size: 256 * 2 ** 20, is64: true, prefetchable: true }), 'BAR1', '256 MiB', 'memory', ['64-bit', 'prefetchable']],
    [bar({ index: 3, size: 32 * 2 ** 20, is64: true, prefetchable: true }), 'BAR3', '32 MiB', 'memory', ['64-bit', 'prefetchable']],
    [bar({ index: 5, size: 128, io: true }), 'BAR5', '128 B', 'I/O', []],
    [bar({ index: 6, kind: 'rom', size: 512 * 1024, prefetchable: true }), 'ROM', '512 KiB', 'memory', []],
    [bar({ index: 7, kind: 'iov', size: 2 ** 20, is64: true }), 'VF BAR0', '1 MiB', 'memory', ['64-bit', 'non-prefetchable']],
    [bar({ index: 15, kind: 'bridge-window', size: 512 * 2 ** 20, is64: true, prefetchable: true }), 'prefetchable window', '512 MiB', 'memory', ['64-bit', 'prefetchable']],
    [bar({ index: 13, kind: 'bridge-window', size: 4096, io: true }), 'I/O window', '4 KiB', 'I/O', []],
  ])('%#: %s', (b, label, size, space, attributes) => {
    expect(barView(b)).toMatchObject({ label, size, space, attributes });
  });
});

describe('links', () => {
  it.each([
    ['16.0 GT/s PCIe', '16 GT/s (Gen4)'],
    ['8.0 GT/s PCIe', '8 GT/s (Gen3)'],
    ['2.5 GT/s PCIe', '2.5 GT/s (Gen1)'],
    ['Unknown', 'Unknown'],
    [null, null],
  ])('speedText(%s) → %s', (raw, text) => expect(speedText(raw)).toBe(text));

  it('a card trained below its maximum is degraded', () => {
    expect(linkView({ currentSpeed: '8.0 GT/s PCIe', maxSpeed: '8.0 GT/s PCIe', currentWidth: 8, maxWidth: 16 })).toEqual({
      current: '8 GT/s (Gen3) x8',
      max: '8 GT/s (Gen3) x16',
      degraded: true,
      limitedBySlot: null,
      down: false,
    });
    expect(linkView({ currentSpeed: '16.0 GT/s PCIe', maxSpeed: '16.0 GT/s PCIe', currentWidth: 4, maxWidth: 4 })?.degraded).toBe(false);
  });

  it('an x16 card in the x8 slot is limited by the slot, not degraded', () => {
    const card = { currentSpeed: '8.0 GT/s PCIe', maxSpeed: '8.0 GT/s PCIe', currentWidth: 8, maxWidth: 16 };
    const port = { currentSpeed: '8.0 GT/s PCIe', maxSpeed: '16.0 GT/s PCIe', currentWidth: 8, maxWidth: 8 };
    expect(linkView(card, port)).toMatchObject({ degraded: false, limitedBySlot: "the slot's port offers at most x8" });
    expect(linkView({ ...card, currentWidth: 4 }, port)).toMatchObject({ degraded: true });
    const gen4Card = { currentSpeed: '8.0 GT/s PCIe', maxSpeed: '16.0 GT/s PCIe', currentWidth: 4, maxWidth: 4 };
    const gen3Port = { currentSpeed: '8.0 GT/s PCIe', maxSpeed: '8.0 GT/s PCIe', currentWidth: 4, maxWidth: 4 };
    expect(linkView(gen4Card, gen3Port)).toMatchObject({ degraded: false, limitedBySlot: "the slot's port offers at most 8 GT/s (Gen3)" });
  });

  it('an empty slot has its link down, not degraded', () => {
    expect(linkView({ currentSpeed: 'Unknown', maxSpeed: '16.0 GT/s PCIe', currentWidth: 0, maxWidth: 8 })).toMatchObject({ current: null, down: true, degraded: false });
    expect(linkView(null)).toBeNull();
  });
});
