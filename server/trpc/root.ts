import { router } from './trpc';
import { authRouter } from './routers/auth';
import { eventsRouter } from './routers/events';
import { hostRouter } from './routers/host';

export const appRouter = router({
  auth: authRouter,
  events: eventsRouter,
  host: hostRouter,
});

export type AppRouter = typeof appRouter;
