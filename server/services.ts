import type { Config } from './config';
import type { Db } from './db';
import type { Host } from './host/host';
import type { ChangeBus } from './events';
import type { SessionConnections } from './auth/session-bound';
import type { OpenShells } from './shell/open-shells';
import type { TranscriptRetention } from './shell/transcript-retention';
import type { DeviceOwnership } from './devices/ownership';
import type { ConsoleService } from './console/service';
import type { PassthroughServices } from './passthrough/index';
import type { Supervisor } from './vm/supervisor';
import type { LoginLimiter } from './auth/rate-limit';

/**
 * Everything a request handler may use, built once per dashboard by composeServices (server/compose.ts),
 * for the server and for tests alike. Nothing here lives outside it: two dashboards in one process
 * (tests do that) share no state.
 */
export interface Services {
  config: Config;
  db: Db;
  host: Host;
  /** what changed, for open pages and the console hubs */
  events: ChangeBus;
  /** open WebSockets and subscriptions, each ended with its session */
  connections: SessionConnections;
  /** open host shells and the tickets that open them */
  shells: OpenShells;
  /** what the host shells' transcripts may keep: the size cap and which are open (pruned on a timer and as each session ends) */
  shellTranscripts: TranscriptRetention;
  /** the host lock, device claims and VM stop policy (server/devices/ownership.ts) */
  devices: DeviceOwnership;
  /** serial console hubs, one per VM (server/console) */
  console: ConsoleService;
  /** passing devices through, the overlay, bind at boot, preflight (server/passthrough) */
  passthrough: PassthroughServices;
  /** VMs: definitions, starts/stops, argv */
  vms: Supervisor;
  /** failed logins per client address (server/auth/rate-limit.ts) */
  loginLimiter: LoginLimiter;
  /** failed logins per account name, from any address */
  accountLimiter: LoginLimiter;
}
