// Wiring for the dashboard: one Supervisor per dashboard (server/compose.ts), built from config, db and host.
import type { Config } from '../config';
import type { Db } from '../db';
import type { ChangePublisher } from '../events';
import type { Host } from '../host/host';
import { runAutostart, type AutostartOutcome } from './autostart';
import { jetsonCaps, probeCaps } from './caps';
import { readMachineFacts } from '../host/machine-facts';
import { ensureDemoEfiVm } from './demo-efi';
import { guestPathsIn } from './guest';
import { ensureDemoVm, type EnsureDemoResult } from './repo';
import { Supervisor, type VmStatus } from './supervisor';
import type { DeviceOwnership } from '../devices/ownership';

export interface VmService {
  supervisor: Supervisor;
  demo: EnsureDemoResult;
  /** the second demo VM (UEFI, disk image, NAT, cloud-init) */
  demoEfi: { message: string };
  adopted: VmStatus[];
  /** resolves when autostart has gone through every autostart VM (it runs after the service is up) */
  autostarted: Promise<Map<string, AutostartOutcome>>;
}

/**
 * Probes QEMU, makes sure the demo VMs exist (when the demo guest is built), re-adopts every guest
 * still running from before a dashboard restart, then starts the autostart VMs in order (not awaited). Call supervisor.detachAll() on shutdown (guests keep running).
 */
export interface VmServiceDeps {
  config: Config;
  db: Db;
  host: Host;
  events: ChangePublisher;
  /** the host lock, the device claims and the stop policy (shared with the passthrough service) */
  devices: DeviceOwnership;
  /** the console area connects to a launching VM's serial socket */
  onLaunching: (vm: string) => void;
  log?: { info: (x: object, m?: string) => void; warn: (x: object, m?: string) => void };
}

export async function createVmService(o: VmServiceDeps): Promise<VmService> {
  const caps = await probeCaps(o.config.qemuBinary);
  const supervisor = new Supervisor({
    db: o.db,
    dataDir: o.config.dataDir,
    imageDirs: o.config.imageDirs,
    caps,
    jetsonCaps: jetsonCaps(caps, o.host),
    scan: () => o.host.scan(),
    // the board's CPUs and memory (the simulated Orin's in sim mode); they do not change while jetvm runs
    hostSize: readMachineFacts(o.host, { kernelLog: false }),
    sim: o.host.mode === 'sim',
    events: o.events,
    devices: o.devices,
    onLaunching: o.onLaunching,
    log: o.log,
  });
  // the same guest directory the configuration's image directories were made from
  const guest = guestPathsIn(o.config.guestDir);
  const demo = ensureDemoVm(o.db, o.host.scan(), guest, o.config.imageDirs);
  const demoEfi = await ensureDemoEfiVm(o.db, o.config.dataDir, guest, o.config.imageDirs);
  const adopted = await supervisor.adoptAll();
  const autostarted = runAutostart({ supervisor, db: o.db }).catch((err: Error) => {
    o.log?.warn({ err: err.message }, 'autostart failed');
    return supervisor.autostartOutcomes;
  });
  return { supervisor, demo, demoEfi, adopted, autostarted };
}
