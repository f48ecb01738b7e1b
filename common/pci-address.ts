// The one home of the PCI address rule: DDDD:BB:DD.F in lower-case hex, as the kernel names devices in
// /sys/bus/pci/devices ("%04x:%02x:%02x.%d"). Isomorphic: the server, the CLI and the UI all import it.
import { z } from 'zod';

/** A canonical PCI address ("0005:01:00.0"); only parsePciAddress and pciAddressSchema make one. */
export type PciAddress = string & z.$brand<'PciAddress'>;

export interface PciAddressParts {
  domain: number;
  bus: number;
  /** the device number, 0..31 */
  slot: number;
  /** the function number, 0..7 */
  fn: number;
}

/** Source of the pattern without anchors, for the few regexes that embed an address (sysfs write paths). */
export const PCI_ADDRESS_PATTERN = '[0-9a-f]{4}:[0-9a-f]{2}:[01][0-9a-f]\\.[0-7]';
const CANONICAL = new RegExp(`^${PCI_ADDRESS_PATTERN}$`);

export const PCI_ADDRESS_HINT = 'is not a PCI address: give it as DDDD:BB:DD.F (domain:bus:device.function, hex), e.g. 0005:01:00.0';

/** The address when `text` is exactly a canonical one, else null (no tidying: for names read from sysfs and for writes). */
export function parsePciAddress(text: string): PciAddress | null {
  return CANONICAL.test(text) ? (text as PciAddress) : null;
}

export function isPciAddress(text: string): text is PciAddress {
  return CANONICAL.test(text);
}

export function pciAddressParts(address: PciAddress): PciAddressParts {
  const [domain, bus, rest] = address.split(':');
  const [slot, fn] = rest.split('.');
  return { domain: parseInt(domain, 16), bus: parseInt(bus, 16), slot: parseInt(slot, 16), fn: Number(fn) };
}

export function formatPciAddress(p: PciAddressParts): PciAddress {
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
  const text = `${hex(p.domain, 4)}:${hex(p.bus, 2)}:${hex(p.slot, 2)}.${p.fn}`;
  const address = parsePciAddress(text);
  if (!address) throw new RangeError(`not a PCI address: ${JSON.stringify(p)}`);
  return address;
}

/** "0005:01:00": the card (domain:bus:device) an address belongs to; its functions share it. */
export const pciSlotOf = (address: PciAddress): string => address.slice(0, address.lastIndexOf('.'));

/** What a person or an API client types: surrounding spaces and upper case are tidied, then the strict rule applies. */
export const pciAddressSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(CANONICAL, PCI_ADDRESS_HINT)
  .brand<'PciAddress'>();

/** Exactly canonical, nothing tidied: what the sysfs writer accepts as a value. */
export const strictPciAddressSchema = z.string().regex(CANONICAL, PCI_ADDRESS_HINT).brand<'PciAddress'>();

/** For addresses known to be canonical (constants, fixtures): the address, or a thrown RangeError. */
export function asPciAddress(text: string): PciAddress {
  const address = parsePciAddress(text);
  if (!address) throw new RangeError(`${JSON.stringify(text)} is not a canonical PCI address`);
  return address;
}
