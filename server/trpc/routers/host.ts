import { z } from 'zod';
import { TRPCError } from '@trpc/server';
import { pageContext } from '../../overview/context';
import { buildDeviceView } from '../../overview/device';
import { buildGroupsView } from '../../overview/groups';
import { buildOverview } from '../../overview/overview';
import { dataDiskSpace } from '../../disk-space';
import { pciAddressSchema } from '../../../common/pci-address';
import { router, viewerProcedure } from '../trpc';

export const hostRouter = router({
  /** The whole scanned PCI world of the host (or the simulated Orin). */
  snapshot: viewerProcedure.query(({ ctx }) => ({ mode: ctx.services.host.mode, snapshot: ctx.services.host.scan() })),

  /** The overview page: board, slots with devices, group verdicts and the x8 slot's power gauge. */
  overview: viewerProcedure.query(({ ctx }) => buildOverview(pageContext(ctx.services))),

  /** Free space in jetvm's data directory, with a verdict (the overview warns before it runs out). */
  dataDisk: viewerProcedure.query(({ ctx }) => dataDiskSpace(ctx.services.config.dataDir)),

  /** Every IOMMU group with its members and verdict; devices without a group apart. */
  groups: viewerProcedure.query(({ ctx }) => buildGroupsView(pageContext(ctx.services))),

  /** One device in full. A malformed address is a 400, an unknown one a 404. */
  device: viewerProcedure.input(z.object({ address: pciAddressSchema })).query(({ ctx, input }) => {
    const view = buildDeviceView({ ...pageContext(ctx.services), address: input.address });
    if (!view) throw new TRPCError({ code: 'NOT_FOUND', message: `no such device: this host has no PCI device ${input.address}` });
    return view;
  }),
});
