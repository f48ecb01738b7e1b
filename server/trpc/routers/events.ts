import { router, viewerProcedure } from '../trpc';

export const eventsRouter = router({
  /** Every change to host, VMs or the audit log; pages refetch what they show. */
  onChange: viewerProcedure.subscription(async function* ({ ctx, signal }) {
    const { events, connections } = ctx.services;
    yield* events.changes(connections.sessionSignal({ user: ctx.user.name, sessionToken: ctx.req.sessionToken }, signal));
  }),
});
