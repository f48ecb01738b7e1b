import { z } from 'zod';
import { recordAudit } from '../../db/audit';
import { publishChange } from '../../events';
import { destroyUserSessions } from '../../auth/sessions';
import { createUser, deleteUser, listUsers, passwordSchema, roleSchema, setPassword, setRole, userNameSchema, UserRuleError } from '../../auth/users';
import { endUserConnections } from '../../auth/session-bound';
import { adminProcedure, router, type Context } from '../trpc';

/** Runs a user change and audits it (ok or refused); a broken rule's UserRuleError reaches the caller as its kind's code. */
function audited<T>(ctx: Context, action: string, target: string, detail: unknown, change: () => T): T {
  const entry = { actor: ctx.user?.name ?? null, remote: ctx.req.remote, action, target, detail };
  try {
    const out = change();
    recordAudit(ctx.services.db, { ...entry, result: 'ok' });
    publishChange({ kind: 'users' });
    return out;
  } catch (err) {
    if (!(err instanceof UserRuleError)) throw err;
    recordAudit(ctx.services.db, { ...entry, detail: { ...(detail as object), reason: err.message }, result: 'refused' });
    throw err;
  }
}

const nameInput = z.object({ name: userNameSchema });

/** User management: admins only. Viewers do not see the user list either. */
export const usersRouter = router({
  list: adminProcedure.query(({ ctx }) => listUsers(ctx.services.db)),

  create: adminProcedure
    .input(z.object({ name: userNameSchema, role: roleSchema, password: passwordSchema }))
    .mutation(({ ctx, input }) =>
      audited(ctx, 'user.create', input.name, { role: input.role }, () => createUser(ctx.services.db, input.name, input.password, input.role)),
    ),

  setRole: adminProcedure.input(z.object({ name: userNameSchema, role: roleSchema })).mutation(({ ctx, input }) =>
    audited(ctx, 'user.role', input.name, { role: input.role }, () => {
      const user = setRole(ctx.services.db, input.name, input.role);
      // open consoles, shells and live views were opened under the old role
      endUserConnections(input.name, 'your role changed');
      return user;
    }),
  ),

  /** Sets a new password for someone else and ends all their sessions. */
  resetPassword: adminProcedure.input(z.object({ name: userNameSchema, password: passwordSchema })).mutation(({ ctx, input }) =>
    audited(ctx, 'user.password-reset', input.name, {}, () => {
      setPassword(ctx.services.db, input.name, input.password);
      destroyUserSessions(ctx.services.db, input.name);
      endUserConnections(input.name, 'your password was reset');
      return true;
    }),
  ),

  remove: adminProcedure.input(nameInput).mutation(({ ctx, input }) =>
    audited(ctx, 'user.delete', input.name, {}, () => {
      deleteUser(ctx.services.db, input.name, ctx.user.name);
      endUserConnections(input.name, 'your account was deleted');
      return true;
    }),
  ),
});
