import { router, viewerProcedure } from '../trpc';

export const hostRouter = router({
  /** The whole scanned PCI world of the host (or the simulated Orin). */
  snapshot: viewerProcedure.query(({ ctx }) => ({ mode: ctx.services.host.mode, snapshot: ctx.services.host.scan() })),
});
