// Runs the dashboard in this process until SIGINT/SIGTERM, printing "jetvm ready on <url>" once it listens.
import { loadConfig } from './config';
import { startApp } from './app';
import { log } from './log';

/** pages: false serves no Next pages (tests/integration/serve.ts runs the API before `next build`) */
export function serve(opts: { pages?: boolean } = {}): void {
  startApp(loadConfig(), opts).then(
    (app) => {
      process.stdout.write(`jetvm ready on ${app.url} (host mode: ${app.services.host.mode})\n`);
      const stop = () => void app.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (err) => {
      log.error({ err }, 'jetvm failed to start');
      process.exitCode = 1;
    },
  );
}
