import { initTRPC, TRPCError } from '@trpc/server';
import type { CreateHTTPContextOptions } from '@trpc/server/adapters/standalone';
import superjson from 'superjson';
import { z, ZodError } from 'zod';
import { ERROR_KINDS, INTERNAL_ERROR_MESSAGE, inputIssues, plainIssueMessage, type ErrorData, type InputIssue } from '../../common/errors';
import { isSameOrigin, requestInfo, type RequestInfo } from '../auth/request';
import { userForSession } from '../auth/sessions';
import type { User } from '../auth/users';
import type { Services } from '../services';
import type { Actor } from '../db/audit';
import { DomainError } from '../errors';

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

// zod's stock wording ("Too small: expected number to be >=64") said in plain words, for every schema without its own
z.config({ customError: plainIssueMessage });

/** The issues an error carries: input parsing's (a ZodError) or a domain error's. */
function issuesOf(cause: unknown): InputIssue[] | null {
  if (cause instanceof ZodError) return inputIssues(cause);
  if (cause instanceof DomainError) return cause.issues;
  return null;
}

/** A bug, not a domain failure: something thrown that no one meant to send (TypeError, a failed assertion, …). */
export function isInternal(error: TRPCError): boolean {
  return error.code === 'INTERNAL_SERVER_ERROR' && error.cause !== undefined && !(error.cause instanceof DomainError);
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error }) {
      // no stack traces to LAN clients, even from a dev server; server/app.ts logs internal errors with theirs
      const { stack: _stack, ...data } = shape.data;
      const cause = error.cause;
      const extra: Pick<ErrorData, 'reason' | 'issues'> = { reason: cause instanceof DomainError ? cause.code : null, issues: issuesOf(cause) };
      return { ...shape, message: isInternal(error) ? INTERNAL_ERROR_MESSAGE : shape.message, data: { ...data, ...extra } };
    },
  });

/** Domain errors become their kind's tRPC code; a ZodError thrown by a service is bad input like the router's own. */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
  if (cause instanceof DomainError) throw new TRPCError({ code: ERROR_KINDS[cause.kind], message: cause.message, cause });
  if (cause instanceof ZodError) throw new TRPCError({ code: 'BAD_REQUEST', message: inputIssues(cause).map((i) => i.message).join('; '), cause });
  return result;
});
const base = t.procedure.use(domainErrors);

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
export const publicProcedure = base.meta({ role: 'public' }).use(guard('public'));

/** Any logged-in user (viewer or admin). Mutations built on this are open to viewers: keep them to one's own account. */
export const viewerProcedure = base
  .meta({ role: 'viewer' })
  .use(guard('viewer'))
  .use(({ ctx, next }) => next({ ctx: { ...ctx, user: ctx.user as User } }));

/** Admins only: everything that changes the host, VMs, consoles or users. */
export const adminProcedure = base
  .meta({ role: 'admin' })
  .use(guard('admin'))
  .use(({ ctx, next }) => next({ ctx: { ...ctx, user: ctx.user as User } }));

/** The logged-in user and their address, as the services record them in the audit log. */
export const actorOf = (ctx: { user: { name: string } | null; req: { remote: string | null } }): Actor => ({
  actor: ctx.user?.name ?? null,
  remote: ctx.req.remote,
});
