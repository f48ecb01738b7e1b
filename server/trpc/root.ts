import { router } from './trpc';
import { authRouter } from './routers/auth';
import { eventsRouter } from './routers/events';
import { hostRouter } from './routers/host';
import { powerRouter } from './routers/power';

export const appRouter = router({
  auth: authRouter,
  events: eventsRouter,
  host: hostRouter,
  power: powerRouter,
});

export type AppRouter = typeof appRouter;
