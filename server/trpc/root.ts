import { router } from './trpc';
import { authRouter } from './routers/auth';
import { auditRouter } from './routers/audit';
import { usersRouter } from './routers/users';
import { eventsRouter } from './routers/events';
import { hostRouter } from './routers/host';
import { passthroughRouter } from './routers/passthrough';
import { powerRouter } from './routers/power';
import { vmsRouter } from './routers/vms';
import { shellRouter } from './routers/shell';

export const appRouter = router({
  auth: authRouter,
  users: usersRouter,
  audit: auditRouter,
  events: eventsRouter,
  host: hostRouter,
  passthrough: passthroughRouter,
  power: powerRouter,
  vms: vmsRouter,
  shell: shellRouter,
});

export type AppRouter = typeof appRouter;
