import { z } from 'zod';
import { auditQueue, listAudit } from '../../db/audit';
import { adminProcedure, router } from '../trpc';

/**
 * The audit log: admins only. It names every user, the addresses they log in from and every failed
 * login, which is more than a viewer needs to watch the machine.
 */
export const auditRouter = router({
  list: adminProcedure
    .input(
      z.object({
        /** id of the last row of the previous page (older entries follow) */
        cursor: z.number().int().positive().nullish(),
        limit: z.number().int().min(1).max(200).default(50),
      }),
    )
    .query(({ ctx, input }) => {
      const items = listAudit(ctx.services.db, input.limit + 1, input.cursor ?? undefined);
      const more = items.length > input.limit;
      const page = more ? items.slice(0, input.limit) : items;
      // entries a full disk keeps waiting are not in the table yet: the page can say how many
      return { items: page, nextCursor: more ? page[page.length - 1].id : null, waiting: auditQueue(ctx.services.db).size };
    }),
});
