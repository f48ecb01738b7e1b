import type { AnyProcedure } from '@trpc/server';
import { appRouter } from '@/server/trpc/root';
import type { AccessLevel } from '@/server/trpc/trpc';

export interface ProcedureInfo {
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  role: AccessLevel | undefined;
  inputs: unknown[];
}

/** Every procedure of the real router, read from the router itself: nothing to keep in sync by hand. */
export function allProcedures(): ProcedureInfo[] {
  return Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>).map(([path, p]) => ({
    path,
    type: p._def.type,
    role: (p._def.meta as { role?: AccessLevel } | undefined)?.role,
    inputs: (p._def as unknown as { inputs: unknown[] }).inputs,
  }));
}

/** Procedures that answer without a session. */
export const PUBLIC = ['auth.login', 'auth.me'];

/**
 * Mutations a viewer may call: only on their own account. Anything else that changes state is
 * built with adminProcedure; adding a name here is a deliberate decision, reviewed as such.
 */
export const VIEWER_MUTATIONS = ['auth.logout', 'auth.changePassword'];
