import { changes } from '../../events';
import { router, viewerProcedure } from '../trpc';

export const eventsRouter = router({
  /** Every change to host, VMs or the audit log; pages refetch what they show. */
  onChange: viewerProcedure.subscription(async function* ({ signal }) {
    yield* changes(signal);
  }),
});
