import { z } from 'zod';

/** A platform device as the kernel names a device-tree node's device: "141a0000.pcie". */
export const platformDeviceSchema = z.string().regex(/^[0-9a-f]{1,16}\.[a-z][a-z0-9,._+-]{0,31}$/, 'a controller is named like 141a0000.pcie (unit address.node name)');
