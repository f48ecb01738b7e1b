// Bind at boot as a service: which devices, which files, where they are written, and their exact removal.
// Sim mode writes under <dataDir>/boot; real mode writes under <dataDir>/boot too unless the user asked
// for the system's /etc explicitly. This dev machine's /etc is never written.
import path from 'node:path';
import type { Db } from '../db';
import { recordAudit, type AuditAction } from '../db/audit';
import type { ChangePublisher } from '../events';
import type { Host } from '../host/host';
import { planBootConfig, removeBootFiles, writeBootFiles, type BootConfig, type BootDevice, type BootMethod, type RemovalResult } from './boot';
import { PassthroughRefusedError } from './errors';
import { resolveGroupScope } from './group';
import { planPassthrough } from './plan';
import type { Actor } from './service';
import { loadBootDevices, loadBootFiles, loadOriginals, saveBootDevices, saveBootFiles } from './store';
import { emptyContext } from './types';
import { KnownError } from '../errors';

export interface BootDeps {
  host: Host;
  db: Db;
  dataDir: string;
  events: ChangePublisher;
}

export interface BootWriteOptions {
  method?: BootMethod;
  /** real mode only: write to the system's /etc instead of <dataDir>/boot */
  writeToSystem?: boolean;
}

export class BootConfigService {
  constructor(private readonly deps: BootDeps) {}

  /** Where files go: the data directory, or "/" on a real Jetson when explicitly asked for. */
  root(writeToSystem = false): string {
    if (writeToSystem && this.deps.host.mode !== 'real') throw new KnownError('refused', 'real-mode-only', 'writing to the system\'s /etc is only possible on a real Jetson (real mode)');
    return writeToSystem ? '/' : path.join(path.resolve(this.deps.dataDir), 'boot');
  }

  /** The group of `address` as boot devices, with the driver each had before jetvm touched it. */
  groupDevices(address: string): BootDevice[] {
    const snapshot = this.deps.host.scan();
    const plan = planPassthrough(snapshot, address, emptyContext);
    const hard = plan.refusals.filter((r) => ['bad-address', 'unknown-device', 'target-is-bridge', 'no-iommu-group'].includes(r.code));
    if (hard.length) throw new PassthroughRefusedError(hard);
    const target = snapshot.devices.find((d) => d.address === plan.target)!;
    const originals = loadOriginals(this.deps.db);
    return resolveGroupScope(snapshot, target).endpoints.map((d) => ({
      address: d.address,
      vendor: d.vendor.id,
      device: d.device.id,
      hostDriver: originals.find((o) => o.address === d.address)?.driver ?? (d.driver === 'vfio-pci' ? null : d.driver),
    }));
  }

  current(): { devices: BootDevice[]; files: string[]; config: BootConfig | null } {
    const devices = loadBootDevices(this.deps.db);
    return { devices, files: loadBootFiles(this.deps.db).map((f) => f.path), config: devices.length ? planBootConfig(devices) : null };
  }

  /** What the files would be with the group of `address` added (nothing written). */
  preview(address: string, method: BootMethod = 'udev'): BootConfig {
    return planBootConfig(merge(loadBootDevices(this.deps.db), this.groupDevices(address)), method);
  }

  add(actor: Actor, address: string, opts: BootWriteOptions = {}): { config: BootConfig; written: string[] } {
    const devices = merge(loadBootDevices(this.deps.db), this.groupDevices(address));
    return this.rewrite(actor, 'passthrough.boot-config-write', address, devices, opts);
  }

  /** Takes the group of `address` out of bind at boot; with no address, all of it. */
  remove(actor: Actor, address?: string, opts: BootWriteOptions = {}): { removal: RemovalResult; written: string[] } {
    const drop = new Set(address ? this.groupDevices(address).map((d) => d.address) : loadBootDevices(this.deps.db).map((d) => d.address));
    const rest = loadBootDevices(this.deps.db).filter((d) => !drop.has(d.address));
    if (rest.length) {
      const { written } = this.rewrite(actor, 'passthrough.boot-config-remove', address ?? null, rest, opts);
      return { removal: { removed: [], keptModified: [], alreadyGone: [] }, written };
    }
    const removal = removeBootFiles(loadBootFiles(this.deps.db));
    saveBootFiles(this.deps.db, loadBootFiles(this.deps.db).filter((f) => removal.keptModified.includes(f.path)));
    saveBootDevices(this.deps.db, []);
    recordAudit(this.deps.db, { ...actor, action: 'passthrough.boot-config-remove', target: address ?? null, detail: removal, result: removal.keptModified.length ? 'error' : 'ok' });
    this.deps.events.publish({ kind: 'host', reason: 'bind at boot turned off' });
    return { removal, written: [] };
  }

  private rewrite(actor: Actor, action: AuditAction, target: string | null, devices: BootDevice[], opts: BootWriteOptions) {
    const { db } = this.deps;
    const config = planBootConfig(devices, opts.method ?? 'udev');
    const previous = loadBootFiles(db);
    // without an explicit choice, files stay where they were written before
    const wasSystem = previous.length > 0 && !previous[0].path.startsWith(this.root() + path.sep);
    const root = this.root(opts.writeToSystem ?? wasSystem);
    // take away what jetvm wrote before (exactly those files), unless someone edited them since
    const removal = removeBootFiles(previous);
    if (removal.keptModified.length) {
      saveBootFiles(db, previous.filter((f) => !removal.removed.includes(f.path)));
      recordAudit(db, { ...actor, action, target, detail: { reason: 'edited by hand', files: removal.keptModified }, result: 'refused' });
      throw new KnownError('conflict', 'boot-file-edited', `${removal.keptModified.join(', ')} changed since jetvm wrote it; move your edits elsewhere or delete the file, then try again`);
    }
    const written = writeBootFiles(root, config.files);
    saveBootFiles(db, written);
    saveBootDevices(db, devices);
    recordAudit(db, { ...actor, action, target, detail: { method: config.method, files: config.files, written: written.map((w) => w.path) }, result: 'ok' });
    this.deps.events.publish({ kind: 'host', reason: 'bind at boot changed' });
    return { config, written: written.map((w) => w.path) };
  }
}

function merge(a: BootDevice[], b: BootDevice[]): BootDevice[] {
  const byAddress = new Map(a.map((d) => [d.address, d]));
  for (const d of b) byAddress.set(d.address, d);
  return [...byAddress.values()].sort((x, y) => x.address.localeCompare(y.address));
}
