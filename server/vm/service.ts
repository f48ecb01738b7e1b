// Wiring for the dashboard: one Supervisor per process, built from config, db and host.
import type { Config } from '../config';
import type { Db } from '../db';
import type { Host } from '../host/host';
import { probeCaps } from './caps';
import { guestPaths } from './guest';
import { ensureDemoVm, type EnsureDemoResult } from './repo';
import { Supervisor, type DevicePolicyHook, type VmStatus } from './supervisor';

declare module '../services' {
  interface Services {
    /** VMs: definitions, starts/stops, argv (server/vm/service.ts createVmService) */
    vms?: Supervisor;
  }
}

export interface VmService {
  supervisor: Supervisor;
  demo: EnsureDemoResult;
  adopted: VmStatus[];
}

/**
 * Probes QEMU, makes sure the demo VM exists (when the demo guest is built), and re-adopts every guest
 * still running from before a dashboard restart. Call supervisor.detachAll() on shutdown (guests keep running).
 */
export async function createVmService(o: { config: Config; db: Db; host: Host; onDevicesReleased?: DevicePolicyHook; log?: { info: (x: object, m?: string) => void; warn: (x: object, m?: string) => void } }): Promise<VmService> {
  const supervisor = new Supervisor({
    db: o.db,
    dataDir: o.config.dataDir,
    caps: probeCaps(o.config.qemuBinary),
    scan: () => o.host.scan(),
    sim: o.host.mode === 'sim',
    onDevicesReleased: o.onDevicesReleased,
    log: o.log,
  });
  const demo = ensureDemoVm(o.db, o.host.scan(), guestPaths());
  const adopted = await supervisor.adoptAll();
  return { supervisor, demo, adopted };
}
