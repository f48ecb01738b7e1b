// Builds the passthrough area's services from the shared ones (config, db, host).
import os from 'node:os';
import type { Config } from '../config';
import type { Db } from '../db';
import type { ChangePublisher } from '../events';
import type { Host } from '../host/host';
import type { DeviceOwnership } from '../devices/ownership';
import { BootConfigService } from './boot-service';
import { ProgressHub } from './progress';
import { PassthroughService } from './service';

export interface PassthroughServices {
  passthrough: PassthroughService;
  boot: BootConfigService;
  progress: ProgressHub;
}

/**
 * The interface holding the address the dashboard listens on (real mode, HOST set to one address).
 * Listening on every address tells nothing; then the default-route check alone protects the network.
 */
export function dashboardInterfaces(config: Pick<Config, 'host'>, host: Host): string[] {
  if (host.mode !== 'real' || ['0.0.0.0', '::', ''].includes(config.host)) return [];
  return Object.entries(os.networkInterfaces())
    .filter(([, addrs]) => addrs?.some((a) => a.address === config.host))
    .map(([name]) => name);
}

/** devices: the host's lock and claims, shared with the VM supervisor */
export function createPassthroughServices(s: { config: Config; db: Db; host: Host; events: ChangePublisher; devices: DeviceOwnership }): PassthroughServices {
  return {
    passthrough: new PassthroughService({
      host: s.host,
      db: s.db,
      qemuBinary: s.config.qemuBinary,
      dataDir: s.config.dataDir,
      vmClaims: () => s.devices.byVm(),
      lock: s.devices,
      dashboardInterfaces: () => dashboardInterfaces(s.config, s.host),
      events: s.events,
    }),
    boot: new BootConfigService({ host: s.host, db: s.db, dataDir: s.config.dataDir, events: s.events }),
    progress: new ProgressHub(),
  };
}
