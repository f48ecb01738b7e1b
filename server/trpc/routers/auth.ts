import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { changeOwnPassword, logIn, logOut } from '../../auth/account';
import { clearedSessionCookie, sessionCookie } from '../../auth/sessions';
import { passwordSchema } from '../../auth/users';
import { lockedOutMessage } from '../../auth/rate-limit';
import { publicProcedure, router, viewerProcedure } from '../trpc';

export const authRouter = router({
  /** Who is logged in; null when nobody. Public so the login page can ask. */
  me: publicProcedure.query(({ ctx }) => ctx.user),

  login: publicProcedure
    .input(z.object({ name: z.string().max(64), password: z.string().max(256) }))
    .mutation(async ({ ctx, input }) => {
      const out = await logIn(ctx.services, ctx.req, input.name, input.password);
      if (!out.ok && out.why === 'locked') {
        throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: lockedOutMessage(out.waitMs) });
      }
      if (!out.ok) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'wrong name or password' });
      ctx.setCookie(sessionCookie(out.token, out.expiresAt, ctx.req.secure));
      return out.user;
    }),

  logout: viewerProcedure.mutation(({ ctx }) => {
    logOut(ctx.services, ctx.user, ctx.req);
    ctx.setCookie(clearedSessionCookie(ctx.req.secure));
    return true;
  }),

  /** Own password; every other session of the user ends (this one stays logged in). */
  changePassword: viewerProcedure
    .input(z.object({ current: z.string().max(256), next: passwordSchema }))
    .mutation(async ({ ctx, input }) => {
      await changeOwnPassword(ctx.services, ctx.user, ctx.req, input.current, input.next);
      return true;
    }),
});
