import { z } from 'zod';

/** Device-tree labels as dtc accepts them, limited to what jetvm generates overlays for. */
export const DT_LABEL = /^[a-z][a-z0-9_]{0,63}$/;
export const dtLabelSchema = z.string().regex(DT_LABEL, 'a device-tree label is lower case letters, digits and _ (e.g. pcie_c5_rp)');
