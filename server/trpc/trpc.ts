import { initTRPC, TRPCError } from '@trpc/server';
import type { CreateHTTPContextOptions } from '@trpc/server/adapters/standalone';
import superjson from 'superjson';
import { ZodError } from 'zod';
import { isSameOrigin, requestInfo, type RequestInfo } from '../auth/request';
import { userForSession } from '../auth/sessions';
import type { User } from '../auth/users';
import type { Services } from '../services';

export interface Context {
  services: Services;
  user: User | null;
  req: RequestInfo;
  /** adds a Set-Cookie header to the response (login/logout) */
  setCookie: (cookie: string) => void;
}

export function contextFactory(services: Services) {
  return ({ req, res }: CreateHTTPContextOptions): Context => {
    const info = requestInfo(req);
    return {
      services,
      user: userForSession(services.db, info.sessionToken),
      req: info,
      setCookie: (cookie) => {
        const prev = res.getHeader('Set-Cookie');
        const list = Array.isArray(prev) ? prev : prev ? [String(prev)] : [];
        res.setHeader('Set-Cookie', [...list, cookie]);
      },
    };
  };
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    return {
      ...shape,
      data: {
        ...shape.data,
        // a readable list of what was wrong with the input, for forms and for API users
        issues: error.cause instanceof ZodError ? error.cause.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`) : null,
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Mutations must come from our own pages (Origin check); queries and subscriptions are read-only. */
const originGuard = t.middleware(({ ctx, type, next }) => {
  if (type === 'mutation' && !isSameOrigin(ctx.req)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'cross-origin request refused' });
  }
  return next();
});

/** Only the login procedure is public. */
export const publicProcedure = t.procedure.use(originGuard);

export const viewerProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'log in first' });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

export const adminProcedure = viewerProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== 'admin') throw new TRPCError({ code: 'FORBIDDEN', message: 'this needs the admin role' });
  return next({ ctx });
});
