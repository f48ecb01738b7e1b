import { describe, expect, it } from 'vitest';
import { asPciAddress, formatPciAddress, isPciAddress, parsePciAddress, pciAddressParts, pciAddressSchema, pciSlotOf, strictPciAddressSchema } from './pci-address';

describe('the PCI address', () => {
  it.each(['0005:01:00.0', '0000:00:1f.7', 'ffff:ff:1f.7', '000a:00:00.0'])('%s is canonical', (text) => {
    expect(isPciAddress(text)).toBe(true);
    expect(parsePciAddress(text)).toBe(text);
    expect(formatPciAddress(pciAddressParts(asPciAddress(text)))).toBe(text);
  });

  it.each(['', '5:1:0.0', '0005:01:20.0', '0005:01:00.8', '0005:01:00.0\n', ' 0005:01:00.0', '0005:01:00.0/../x', '0005:0G:00.0', '00005:01:00.0', '0005:01:00:0'])(
    '%j is refused everywhere',
    (text) => {
      expect(parsePciAddress(text)).toBeNull();
      expect(() => asPciAddress(text)).toThrow(RangeError);
      expect(strictPciAddressSchema.safeParse(text).success).toBe(false);
      if (text.trim() !== '0005:01:00.0') expect(pciAddressSchema.safeParse(text).success).toBe(false);
    },
  );

  it('typed input is tidied (spaces, upper case) by the input schema only', () => {
    expect(pciAddressSchema.parse(' 0005:01:00.0\n')).toBe('0005:01:00.0');
    expect(pciAddressSchema.parse('000A:00:1F.0')).toBe('000a:00:1f.0');
    expect(strictPciAddressSchema.safeParse('000A:00:00.0').success).toBe(false);
    expect(pciAddressSchema.safeParse('nope').error?.issues[0].message).toMatch(/^is not a PCI address: give it as DDDD:BB:DD\.F/);
  });

  it('parts, format and slot', () => {
    expect(pciAddressParts(asPciAddress('000a:1f:1e.7'))).toEqual({ domain: 10, bus: 31, slot: 30, fn: 7 });
    expect(formatPciAddress({ domain: 5, bus: 1, slot: 0, fn: 1 })).toBe('0005:01:00.1');
    expect(() => formatPciAddress({ domain: 5, bus: 1, slot: 32, fn: 0 })).toThrow(RangeError);
    expect(() => formatPciAddress({ domain: 5, bus: 1, slot: 0, fn: 8 })).toThrow(RangeError);
    expect(pciSlotOf(asPciAddress('0005:01:00.1'))).toBe('0005:01:00');
  });
});
