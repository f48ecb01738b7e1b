import { loadConfig } from './config';
import { startApp } from './app';
import { log } from './log';

const config = loadConfig();
startApp(config).then(
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
