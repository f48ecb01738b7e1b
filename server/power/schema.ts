import { z } from 'zod';

/** "10de:1cb1": vendor and device ID of the card's first function, lower-case hex. */
export const vendorDeviceSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[0-9a-f]{4}:[0-9a-f]{4}$/, 'give the card as vendor:device in hex, e.g. 10de:1cb1');

export const setCardWattsInput = z.object({
  vendorDevice: vendorDeviceSchema,
  watts: z
    .number({ error: 'watts must be a number' })
    .finite()
    .min(1, 'a card draws at least 1 W')
    .max(600, 'no PCIe card draws more than 600 W'),
  note: z.string().trim().max(200, 'keep the note under 200 characters').optional().default(''),
});
export type SetCardWattsInput = z.input<typeof setCardWattsInput>;

export const clearCardWattsInput = z.object({ vendorDevice: vendorDeviceSchema });
