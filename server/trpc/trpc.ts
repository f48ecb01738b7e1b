import { initTRPC, TRPCError } from '@trpc/server';
import type { CreateHTTPContextOptions } from '@trpc/server/adapters/standalone';
import superjson from 'superjson';
import { ZodError } from 'zod';
import { isSameOrigin, requestInfo, type RequestInfo } from '../auth/request';
import { userForSession } from '../auth/sessions';
import type { User } from '../auth/users';
import type { Services } from '../services';
import type { Actor } from '../db/audit';

export interface Context {
  services: Services;
  user: User | null;
  req: RequestInfo;
  /** adds a Set-Cookie header to the response (login/logout) */
  setCookie: (cookie: string) => void;
}

/** Who may call a procedure. Set by the builders below; tests/security reads it from `_def.meta`. */
export type AccessLevel = 'public' | 'viewer' | 'admin';
export interface Meta {
  role: AccessLevel;
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

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error }) {
      // no stack traces to LAN clients, even from a dev server; server/app.ts logs internal errors
      const { stack: _stack, ...data } = shape.data;
      return {
        ...shape,
        data: {
          ...data,
          // a readable list of what was wrong with the input, for forms and for API users
          issues: error.cause instanceof ZodError ? error.cause.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`) : null,
        },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

const RANK: Record<AccessLevel, number> = { public: 0, viewer: 1, admin: 2 };

/**
 * One guard for every procedure, run before input parsing:
 * - mutations must come from our own pages (Origin check); queries and subscriptions are read-only;
 * - the caller needs the builder's role, or the stricter role a `.meta({ role })` asks for.
 *   A later `.meta()` can raise the requirement but never lower it below the builder's.
 */
function guard(minimum: AccessLevel) {
  return t.middleware(({ ctx, type, meta, next }) => {
    if (type === 'mutation' && !isSameOrigin(ctx.req)) {
      throw new TRPCError({ code: 'FORBIDDEN', message: 'cross-origin request refused' });
    }
    const asked = meta?.role ?? 'admin';
    const required = RANK[asked] > RANK[minimum] ? asked : minimum;
    if (required === 'public') return next();
    if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'log in first' });
    if (required === 'admin' && ctx.user.role !== 'admin') {
      throw new TRPCError({ code: 'FORBIDDEN', message: 'this needs the admin role' });
    }
    return next();
  });
}

/** No session needed: only auth.login and auth.me use this. */
export const publicProcedure = t.procedure.meta({ role: 'public' }).use(guard('public'));

/** Any logged-in user (viewer or admin). Mutations built on this are open to viewers: keep them to one's own account. */
export const viewerProcedure = t.procedure
  .meta({ role: 'viewer' })
  .use(guard('viewer'))
  .use(({ ctx, next }) => next({ ctx: { ...ctx, user: ctx.user as User } }));

/** Admins only: everything that changes the host, VMs, consoles or users. */
export const adminProcedure = t.procedure
  .meta({ role: 'admin' })
  .use(guard('admin'))
  .use(({ ctx, next }) => next({ ctx: { ...ctx, user: ctx.user as User } }));

/** The logged-in user and their address, as the services record them in the audit log. */
export const actorOf = (ctx: { user: { name: string } | null; req: { remote: string | null } }): Actor => ({
  actor: ctx.user?.name ?? null,
  remote: ctx.req.remote,
});
