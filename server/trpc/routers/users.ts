import { z } from 'zod';
import { addUser, changeRole, removeUser, resetPassword } from '../../auth/user-admin';
import { listUsers, passwordSchema, roleSchema, userNameSchema } from '../../auth/users';
import { actorOf, adminProcedure, router } from '../trpc';

const nameInput = z.object({ name: userNameSchema });

/** User management: admins only. Viewers do not see the user list either. */
export const usersRouter = router({
  list: adminProcedure.query(({ ctx }) => listUsers(ctx.services.db)),

  create: adminProcedure
    .input(z.object({ name: userNameSchema, role: roleSchema, password: passwordSchema }))
    .mutation(({ ctx, input }) => addUser(ctx.services, actorOf(ctx), input.name, input.role, input.password)),

  setRole: adminProcedure
    .input(z.object({ name: userNameSchema, role: roleSchema }))
    .mutation(({ ctx, input }) => changeRole(ctx.services, actorOf(ctx), input.name, input.role)),

  /** Sets a new password for someone else and ends all their sessions. */
  resetPassword: adminProcedure.input(z.object({ name: userNameSchema, password: passwordSchema })).mutation(({ ctx, input }) => {
    resetPassword(ctx.services, actorOf(ctx), input.name, input.password);
    return true;
  }),

  remove: adminProcedure.input(nameInput).mutation(({ ctx, input }) => {
    removeUser(ctx.services, actorOf(ctx), input.name, ctx.user.name);
    return true;
  }),
});
