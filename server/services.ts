import type { Config } from './config';
import type { Db } from './db';
import type { Host } from './host/host';

/**
 * Everything a request handler may use, built once at start-up (server/main.ts) or per test.
 * Areas add their services here as they land.
 */
export interface Services {
  config: Config;
  db: Db;
  host: Host;
}
