import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { recordAudit, recordAuditCounted } from '../../db/audit';
import { clearedSessionCookie, createSession, destroySession, destroyUserSessions, pruneExpiredSessions, sessionCookie } from '../../auth/sessions';
import { checkCredentials, passwordSchema, setPassword } from '../../auth/users';
import { loginFailed, loginSucceeded, loginWait } from '../../auth/rate-limit';
import { endUserConnections } from '../../auth/session-bound';
import { publicProcedure, router, viewerProcedure } from '../trpc';

/** Failed logins from one client within this window share one audit row. */
export const FAILED_LOGIN_WINDOW_MS = 10 * 60_000;

export const authRouter = router({
  /** Who is logged in; null when nobody. Public so the login page can ask. */
  me: publicProcedure.query(({ ctx }) => ctx.user),

  login: publicProcedure
    .input(z.object({ name: z.string().max(64), password: z.string().max(256) }))
    .mutation(async ({ ctx, input }) => {
      const { db } = ctx.services;
      const client = ctx.req.remote ?? 'unknown';
      // failures are counted into one row per client and window: a flood of guesses is one row, not thousands
      const failed = (result: 'error' | 'refused', reason: string) =>
        recordAuditCounted(db, { actor: input.name, remote: ctx.req.remote, action: 'login', result, detail: { reason } }, FAILED_LOGIN_WINDOW_MS);
      const wait = loginWait(ctx.services, client, input.name);
      if (wait > 0) {
        failed('refused', 'rate limited');
        throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: `too many failed attempts; try again in ${Math.ceil(wait / 1000)} s` });
      }
      // counted as a failure before the (asynchronous) check, so concurrent guesses cannot all slip under the limit
      loginFailed(ctx.services, client, input.name);
      const user = await checkCredentials(db, input.name, input.password);
      if (!user) {
        failed('error', 'wrong name or password');
        throw new TRPCError({ code: 'UNAUTHORIZED', message: 'wrong name or password' });
      }
      loginSucceeded(ctx.services, client, input.name);
      pruneExpiredSessions(db);
      // a new session replaces the one this browser had (no fixation, no pile-up)
      if (ctx.req.sessionToken) destroySession(db, ctx.req.sessionToken);
      const { token, expiresAt } = createSession(db, user.name, ctx.req.remote);
      ctx.setCookie(sessionCookie(token, expiresAt, ctx.req.secure));
      recordAudit(db, { actor: user.name, remote: ctx.req.remote, action: 'login', result: 'ok' });
      return user;
    }),

  logout: viewerProcedure.mutation(({ ctx }) => {
    if (ctx.req.sessionToken) {
      destroySession(ctx.services.db, ctx.req.sessionToken);
      endUserConnections(ctx.user.name, 'logged out', { only: ctx.req.sessionToken });
    }
    ctx.setCookie(clearedSessionCookie(ctx.req.secure));
    recordAudit(ctx.services.db, { actor: ctx.user.name, remote: ctx.req.remote, action: 'logout', result: 'ok' });
    return true;
  }),

  /** Own password; every other session of the user ends (this one stays logged in). */
  changePassword: viewerProcedure
    .input(z.object({ current: z.string().max(256), next: passwordSchema }))
    .mutation(async ({ ctx, input }) => {
      const { db } = ctx.services;
      if (!(await checkCredentials(db, ctx.user.name, input.current))) {
        recordAudit(db, { actor: ctx.user.name, remote: ctx.req.remote, action: 'password.change', result: 'error', detail: { reason: 'wrong current password' } });
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'the current password is wrong' });
      }
      setPassword(db, ctx.user.name, input.next);
      destroyUserSessions(db, ctx.user.name, ctx.req.sessionToken ?? undefined);
      // a shell or live view someone else opened with the old password ends with its session
      endUserConnections(ctx.user.name, 'the password was changed', { except: ctx.req.sessionToken });
      recordAudit(db, { actor: ctx.user.name, remote: ctx.req.remote, action: 'password.change', result: 'ok' });
      return true;
    }),
});
