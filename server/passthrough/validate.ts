import { z } from 'zod';

/** DDDD:BB:DD.F, as the kernel names PCI devices; upper case is accepted and lowered. */
const PCI_ADDRESS = /^[0-9a-f]{4}:[0-9a-f]{2}:[01][0-9a-f]\.[0-7]$/;

export const pciAddressSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(PCI_ADDRESS, 'a PCI address looks like 0005:01:00.0 (domain:bus:device.function, hex)');

/** Device-tree labels as dtc accepts them, limited to what jetvm generates overlays for. */
export const DT_LABEL = /^[a-z][a-z0-9_]{0,63}$/;
export const dtLabelSchema = z.string().regex(DT_LABEL, 'a device-tree label is lower case letters, digits and _ (e.g. pcie_c5_rp)');

/** The parsed address, or null when it is malformed. */
export function parsePciAddress(input: string): string | null {
  const r = pciAddressSchema.safeParse(input);
  return r.success ? r.data : null;
}
