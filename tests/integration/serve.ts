// server/main.ts without the Next pages (they need `next build`): a real dashboard process (SQLite,
// simulated Orin, VM supervisor, tRPC, WebSockets) for integration tests that run before a build.
// Started by e2e/server.ts startServer(env, { entry: 'tests/integration/serve.ts' }).
import { serve } from '../../server/serve';

serve({ pages: false });
