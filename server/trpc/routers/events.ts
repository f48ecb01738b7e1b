import { changes } from '../../events';
import { router, viewerProcedure } from '../trpc';
import { sessionSignal } from '../../auth/session-bound';

export const eventsRouter = router({
  /** Every change to host, VMs or the audit log; pages refetch what they show. */
  onChange: viewerProcedure.subscription(async function* ({ ctx, signal }) {
    yield* changes(sessionSignal({ user: ctx.user.name, sessionToken: ctx.req.sessionToken }, signal));
  }),
});
