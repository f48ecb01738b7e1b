import type { Config } from './config';
import type { Db } from './db';
import type { Host } from './host/host';
import type { ConsoleService } from './console/service';
import type { PassthroughServices } from './passthrough/index';
import type { LoginLimiter } from './auth/rate-limit';

/**
 * Everything a request handler may use, built once at start-up (server/main.ts) or per test.
 * Areas add their services here as they land.
 */
export interface Services {
  config: Config;
  db: Db;
  host: Host;
  /** serial console hubs, one per VM (server/console) */
  console: ConsoleService;
  /** passing devices through, the overlay, bind at boot, preflight (server/passthrough) */
  passthrough: PassthroughServices;
  /** failed logins per client address (server/auth/rate-limit.ts) */
  loginLimiter: LoginLimiter;
  /** failed logins per account name, from any address */
  accountLimiter: LoginLimiter;
}
