// server/main.ts without the Next pages (they need `next build`): a real dashboard process (SQLite,
// simulated Orin, VM supervisor, tRPC, WebSockets) for integration tests that run before a build.
// Started by e2e/server.ts startServer(env, { entry: 'tests/integration/serve.ts' }).
import { startApp } from '../../server/app';
import { loadConfig } from '../../server/config';

startApp(loadConfig(), { pages: false }).then(
  (app) => {
    process.stdout.write(`jetvm ready on ${app.url} (host mode: ${app.services.host.mode})\n`);
    const stop = () => void app.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  },
  (err) => {
    process.stderr.write(`jetvm failed to start: ${(err as Error).stack}\n`);
    process.exitCode = 1;
  },
);
