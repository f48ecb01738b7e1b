import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { recordAudit } from '../../db/audit';
import { checkCredentials } from '../../auth/users';
import { loginFailed, loginSucceeded, loginWait } from '../../auth/rate-limit';
import { openShellCount } from '../../shell/shell-session';
import { issueShellTicket } from '../../shell/tickets';
import { adminProcedure, router } from '../trpc';

export const shellRouter = router({
  /** Whether the host shell is served (JETVM_HOST_SHELL=1), its limit and how many are open. */
  status: adminProcedure.query(({ ctx }) => ({ ...ctx.services.config.hostShell, open: openShellCount() })),

  /**
   * The password again, for a ticket that opens one shell (/ws/shell?ticket=…) within a minute.
   * Wrong passwords count against the same limits as logins.
   */
  unlock: adminProcedure.input(z.object({ password: z.string().max(256) })).mutation(async ({ ctx, input }) => {
    const { db, config } = ctx.services;
    if (!config.hostShell.enabled) throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'the host shell is off: start jetvm with JETVM_HOST_SHELL=1 to use it' });
    const client = ctx.req.remote ?? 'unknown';
    const wait = loginWait(ctx.services, client, ctx.user.name);
    if (wait > 0) throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: `too many failed attempts; try again in ${Math.ceil(wait / 1000)} s` });
    loginFailed(ctx.services, client, ctx.user.name); // before the asynchronous check, as for logins
    if (!(await checkCredentials(db, ctx.user.name, input.password))) {
      recordAudit(db, { actor: ctx.user.name, remote: ctx.req.remote, action: 'shell.unlock', result: 'error', detail: { reason: 'wrong password' } });
      throw new TRPCError({ code: 'UNAUTHORIZED', message: 'wrong password' });
    }
    loginSucceeded(ctx.services, client, ctx.user.name);
    return { ticket: issueShellTicket(ctx.user.name, ctx.req.sessionToken) };
  }),
});
