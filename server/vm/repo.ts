// VM definitions in SQLite: create, edit, clone, delete — validated at the edge, nothing written on bad input.
import type { Db } from '../db';
import type { HostSnapshot } from '../host/types';
import type { GuestPaths } from './guest';
import { toCloudInitConfig, type CloudInitInput } from './cloud-init';
import { macFor, withMac, type NetworkInput } from './network';
import { sizeIssues, UNKNOWN_HOST_SIZE, type HostSize } from './sizing';
import { fileIssues, parseOrThrow, shapeIssues, vmCreateSchema, vmNameSchema, vmUpdateSchema, VmInputError } from './schema';
import type { Autostart, VmDefinition, VmNetwork } from './types';
import { DomainError } from '../errors';
import { issueLine } from '../../common/errors';

interface VmRow {
  name: string;
  kernel: string;
  initrd: string | null;
  disks: string;
  memory_mib: number;
  vcpus: number;
  cmdline: string;
  devices: string;
  pci_nomsi: number;
  accel: VmDefinition['accel'];
  machine_options: string;
  on_stop: VmDefinition['onStop'];
  firmware: 'kernel' | 'uefi';
  cdroms: string;
  boot: 'disk' | 'cdrom';
  network: string | null;
  cloud_init: string | null;
  autostart: string | null;
  created_at: string;
  updated_at: string;
}

const AUTOSTART_OFF: Autostart = { enabled: false, order: 0, delaySeconds: 0 };
const noNetwork = (name: string): VmNetwork => ({ mode: 'none', bridge: null, mac: macFor(name), forwards: [] });

function fromRow(r: VmRow): VmDefinition {
  return {
    name: r.name, kernel: r.kernel || null, initrd: r.initrd, firmware: r.firmware, cdroms: JSON.parse(r.cdroms), boot: r.boot,
    network: r.network ? JSON.parse(r.network) : noNetwork(r.name), cloudInit: r.cloud_init ? JSON.parse(r.cloud_init) : null,
    autostart: r.autostart ? JSON.parse(r.autostart) : AUTOSTART_OFF, disks: JSON.parse(r.disks), memoryMiB: r.memory_mib, vcpus: r.vcpus,
    cmdline: r.cmdline, devices: JSON.parse(r.devices), pciNomsi: r.pci_nomsi === 1, accel: r.accel,
    machineOptions: JSON.parse(r.machine_options), onStop: r.on_stop, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

function toParams(v: VmDefinition) {
  return {
    name: v.name, kernel: v.kernel ?? '', initrd: v.initrd, firmware: v.firmware ?? 'kernel', cdroms: JSON.stringify(v.cdroms ?? []),
    boot: v.boot ?? 'disk', network: v.network ? JSON.stringify(v.network) : null, cloud_init: v.cloudInit ? JSON.stringify(v.cloudInit) : null,
    autostart: JSON.stringify(v.autostart ?? AUTOSTART_OFF), disks: JSON.stringify(v.disks), memory_mib: v.memoryMiB, vcpus: v.vcpus,
    cmdline: v.cmdline, devices: JSON.stringify(v.devices), pci_nomsi: v.pciNomsi ? 1 : 0, accel: v.accel,
    machine_options: JSON.stringify(v.machineOptions), on_stop: v.onStop, created_at: v.createdAt, updated_at: v.updatedAt,
  };
}

export class VmNotFoundError extends DomainError {
  readonly kind = 'not-found';
  readonly code = 'vm-not-found';
  constructor(name: string) {
    super(`there is no VM named "${name}"`);
    this.name = 'VmNotFoundError';
  }
}

export class VmConflictError extends DomainError {
  readonly kind = 'conflict';
  /** "vm-exists" when the name is taken, else "vm-conflict" (running, busy, held elsewhere) */
  constructor(
    message: string,
    readonly code: 'vm-conflict' | 'vm-exists' = 'vm-conflict',
  ) {
    super(message);
    this.name = 'VmConflictError';
  }
}

export class VmRepo {
  constructor(
    private readonly db: Db,
    /** where kernels, initrds and disks may come from (server/vm/image-dirs.ts) */
    private readonly imageDirs: readonly string[],
    /** the host's CPUs and memory a definition must fit (sizing.ts); unknown: the static limits only */
    private readonly hostSize: HostSize = UNKNOWN_HOST_SIZE,
  ) {}

  list(): VmDefinition[] {
    return (this.db.prepare('SELECT * FROM vms ORDER BY name').all() as VmRow[]).map(fromRow);
  }

  get(name: string): VmDefinition | null {
    const row = this.db.prepare('SELECT * FROM vms WHERE name = ?').get(name) as VmRow | undefined;
    return row ? fromRow(row) : null;
  }

  require(name: string): VmDefinition {
    const vm = this.get(name);
    if (!vm) throw new VmNotFoundError(name);
    return vm;
  }

  create(input: unknown): VmDefinition {
    const parsed = parseOrThrow(vmCreateSchema, input);
    const now = new Date().toISOString();
    const vm: VmDefinition = { ...parsed, network: withMac(parsed.network, parsed.name), cloudInit: parsed.cloudInit && toCloudInitConfig(parsed.cloudInit, null), createdAt: now, updatedAt: now };
    this.assertFits(vm);
    this.insert(vm);
    return vm;
  }

  update(name: string, patch: unknown): VmDefinition {
    const current = this.require(name);
    const parsed = parseOrThrow(vmUpdateSchema, patch);
    // defaults of the partial schema must not overwrite stored values: keep only keys the caller sent
    const sent: Partial<VmDefinition> = Object.fromEntries(Object.entries(parsed).filter(([k]) => typeof patch === 'object' && patch !== null && k in patch));
    if (parsed.network && 'network' in sent) sent.network = withMac({ ...parsed.network, mac: parsed.network.mac ?? current.network?.mac ?? null } as NetworkInput, name);
    if ('cloudInit' in sent) sent.cloudInit = parsed.cloudInit ? toCloudInitConfig(parsed.cloudInit as CloudInitInput, current.cloudInit) : null;
    const next: VmDefinition = { ...current, ...sent, name, updatedAt: new Date().toISOString() };
    this.assertFits(next);
    this.db
      .prepare(
        `UPDATE vms SET kernel=@kernel, initrd=@initrd, disks=@disks, memory_mib=@memory_mib, vcpus=@vcpus, cmdline=@cmdline,
         devices=@devices, pci_nomsi=@pci_nomsi, accel=@accel, machine_options=@machine_options, on_stop=@on_stop,
         firmware=@firmware, cdroms=@cdroms, boot=@boot, network=@network, cloud_init=@cloud_init, autostart=@autostart,
         updated_at=@updated_at WHERE name=@name`,
      )
      .run(toParams(next));
    return next;
  }

  clone(name: string, newName: unknown): VmDefinition {
    const target = parseOrThrow(vmNameSchema, newName);
    const source = this.require(name);
    const now = new Date().toISOString();
    // a clone is another machine on the network: its own MAC, and it does not start by itself
    const network = source.network && { ...source.network, mac: macFor(target) };
    const vm: VmDefinition = { ...source, name: target, network, autostart: AUTOSTART_OFF, createdAt: now, updatedAt: now };
    this.insert(vm);
    return vm;
  }

  /** Refuses while the VM holds devices (it is running): stop it first. */
  delete(name: string): void {
    this.db.transaction(() => {
      this.require(name);
      const claims = this.db.prepare('SELECT COUNT(*) FROM vm_device_claims WHERE vm = ?').pluck().get(name) as number;
      const running = this.db.prepare('SELECT COUNT(*) FROM vm_runs WHERE vm = ?').pluck().get(name) as number;
      if (claims > 0 || running > 0) throw new VmConflictError(`VM "${name}" is running: stop it before deleting it`);
      this.db.prepare('DELETE FROM vms WHERE name = ?').run(name);
    })();
  }

  private insert(vm: VmDefinition): void {
    try {
      this.db
        .prepare(
          `INSERT INTO vms (name, kernel, initrd, disks, memory_mib, vcpus, cmdline, devices, pci_nomsi, accel, machine_options, on_stop,
             firmware, cdroms, boot, network, cloud_init, autostart, created_at, updated_at)
           VALUES (@name, @kernel, @initrd, @disks, @memory_mib, @vcpus, @cmdline, @devices, @pci_nomsi, @accel, @machine_options, @on_stop,
             @firmware, @cdroms, @boot, @network, @cloud_init, @autostart, @created_at, @updated_at)`,
        )
        .run(toParams(vm));
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new VmConflictError(`a VM named "${vm.name}" already exists`, 'vm-exists');
      throw err;
    }
  }

  private assertFits(def: Pick<VmDefinition, 'firmware' | 'kernel' | 'initrd' | 'disks' | 'cdroms' | 'vcpus' | 'memoryMiB'>): void {
    const issues = [...sizeIssues(def, this.hostSize), ...shapeIssues(def), ...fileIssues(def, this.imageDirs)];
    if (issues.length) throw new VmInputError(issues);
  }
}

export const DEMO_VM = 'demo';

/** The x8 slot's card: every endpoint function in PCIe domain 0005 (controller C5, docs/sources/orin-facts.md). */
export function x8SlotEndpoints(snapshot: HostSnapshot): string[] {
  return snapshot.devices.filter((d) => d.domain === 5 && !d.isBridge).map((d) => d.address).sort();
}

export interface EnsureDemoResult {
  vm: VmDefinition | null;
  created: boolean;
  message: string;
}

/** On first start: a VM named "demo" running the demo guest with the x8-slot card assigned. Never touches an existing one. */
export function ensureDemoVm(db: Db, snapshot: HostSnapshot, guest: Pick<GuestPaths, 'dir' | 'kernel' | 'initrd'>, imageDirs: readonly string[]): EnsureDemoResult {
  const repo = new VmRepo(db, imageDirs);
  const existing = repo.get(DEMO_VM);
  if (existing) return { vm: existing, created: false, message: 'the demo VM exists' };
  const issues = fileIssues({ kernel: guest.kernel, initrd: guest.initrd, disks: [] }, imageDirs);
  if (issues.length) return { vm: null, created: false, message: `demo guest not built (npm run guest:build): ${issues.map(issueLine).join('; ')}` };
  const vm = repo.create({
    name: DEMO_VM, kernel: guest.kernel, initrd: guest.initrd, memoryMiB: 256, vcpus: 1,
    cmdline: 'console=ttyAMA0 panic=-1', devices: x8SlotEndpoints(snapshot), onStop: 'keep',
  });
  return { vm, created: true, message: `created the demo VM with ${vm.devices.join(', ') || 'no devices (the x8 slot is empty)'}` };
}
