// The composition root: every service of one dashboard, built here and nowhere else (server/app.ts
// serves them; tests build the same graph with overrides). No service state lives outside what this
// returns, so two dashboards in one process (tests) share nothing.
import type { Config } from './config';
import { openDb } from './db';
import { closeDb } from './db/per-db';
import { startAuditRetention } from './db/audit';
import { announceAuditChanges } from './db/audit-announce';
import { ensureAdmin } from './auth/users';
import { accountLimiterFor, LoginLimiter } from './auth/rate-limit';
import { SessionConnections } from './auth/session-bound';
import { ChangeBus } from './events';
import { openHost } from './host';
import type { Host } from './host/host';
import { log } from './log';
import { ConsoleService } from './console/service';
import { createPassthroughServices } from './passthrough/index';
import { DeviceOwnership } from './devices/ownership';
import { OpenShells } from './shell/open-shells';
import { startTranscriptRetention } from './shell/transcript-retention';
import { VmRepo } from './vm/repo';
import { createVmService, type VmService } from './vm/service';
import type { Services } from './services';

export interface ServiceOverrides {
  /** another host (a test's tree) instead of openHost(config) */
  host?: Host;
}

export interface ComposedServices {
  services: Services;
  /** what the VM area did at start: demo VMs made, guests re-adopted, autostart (awaitable) */
  startup: Omit<VmService, 'supervisor'>;
  /** the admin account made on a first start (null when users existed), with its password when generated */
  firstAdmin: { name: string; generatedPassword: string | null } | null;
  /**
   * Ends the services (timers, console hubs, host shells; guests keep running and are re-adopted
   * next start), runs `drain` (the caller's server finishing its requests) and closes the database.
   */
  close(drain?: () => Promise<void>): Promise<void>;
}

export async function composeServices(config: Config, overrides: ServiceOverrides = {}): Promise<ComposedServices> {
  const db = openDb(config.dataDir);
  const firstAdmin = ensureAdmin(db, config.adminPassword);
  const host = overrides.host ?? openHost(config);
  const events = new ChangeBus();
  announceAuditChanges(db, events);
  const connections = new SessionConnections(db);
  const vmRepo = new VmRepo(db, config.imageDirs);
  const consoles = new ConsoleService(config.dataDir, { exists: (vm) => vmRepo.get(vm) !== null, events });
  // one owner of the host's devices: the passthrough service and the VM supervisor share its lock and claims
  const devices: DeviceOwnership = new DeviceOwnership({ db, scan: () => host.scan(), returnToHost: (actor, address) => passthrough.passthrough.release(actor, address) });
  const passthrough = createPassthroughServices({ config, db, host, events, devices });
  consoles.start();
  const { supervisor, ...startup } = await createVmService({
    config,
    db,
    host,
    events,
    devices,
    onLaunching: (vm) => consoles.launching(vm),
    log,
  });
  const shells = new OpenShells();
  const services: Services = {
    config,
    db,
    host,
    devices,
    events,
    connections,
    shells,
    shellTranscripts: { maxBytes: config.hostShell.transcriptMaxBytes, isOpen: shells.isTranscriptOpen },
    console: consoles,
    passthrough,
    vms: supervisor,
    loginLimiter: new LoginLimiter(5, config.loginLockSeconds * 1000),
    accountLimiter: accountLimiterFor(config.loginLockSeconds * 1000),
  };
  const stopSweep = connections.startSweep();
  const stopRetention = startAuditRetention(db, config.auditRetention);
  const stopTranscriptRetention = startTranscriptRetention(db, config.dataDir, services.shellTranscripts);
  return {
    services,
    startup,
    firstAdmin,
    async close(drain) {
      stopSweep();
      stopRetention();
      stopTranscriptRetention();
      await consoles.close();
      await services.shells.closeAll();
      supervisor.detachAll();
      await drain?.();
      closeDb(db);
    },
  };
}
