import { z } from 'zod';

export const autostartSchema = z.strictObject({
  enabled: z.boolean().default(false),
  order: z.int().min(0).max(999).default(0),
  delaySeconds: z.int().min(0).max(600).default(0),
});
