// The VM state machine: each VM's state (starting, running, stopping, stopped, shutdown, crashed) and the
// transitions between them — start, stop, restart, adopt after a dashboard restart, and what follows an
// exit. One start, stop or restart of a VM at a time (its lock). The SQL is in run-store.ts, the process
// and its files in launcher.ts and stop-escalation.ts, the devices in server/devices/ownership.ts.
import fs from 'node:fs';
import type { Db } from '../db';
import { recordAudit } from '../db/audit';
import type { DeviceOwnership } from '../devices/ownership';
import type { ChangePublisher } from '../events';
import type { HostSnapshot } from '../host/types';
import { resolveExecutable } from './caps';
import { blocking, checkStart } from './checks';
import { forgetRun, recordRunOwner, recordRunPid, runRows, type RunRefusal } from './run-store';
import { sizeLimits, startSizeChecks, UNKNOWN_HOST_SIZE, type HostSize, type SizeLimits } from './sizing';
import type { AutostartOutcome } from './autostart';
import { passedEndpoints } from './devices';
import { guestChecks } from './guest-prep';
import { toLibvirtXml, toShellScript } from './export';
import { cleanRunDir, discardRun, launchQemu, ownedElsewhere, qemuOf, runIsLive, SELF } from './launcher';
import { vmPaths, type VmPaths } from './paths';
import { launchPlan, type LaunchPlan } from './plan';
import { VmConflictError, VmRepo } from './repo';
import { runExitSteps, type ExitStep } from './exit-steps';
import { fileIssues } from './schema';
import { endQemu } from './stop-escalation';
import { issueLine } from '../../common/errors';
import type { Finding, QemuCaps, VmDefinition, VmState } from './types';
import { WatchedQemu, type ExitKind } from './watch';

import type { Actor } from '../db/audit';
import { DomainError } from '../errors';

export type { Actor };
const SYSTEM: Actor = { actor: 'system', remote: null };

export interface SupervisorOptions {
  db: Db;
  dataDir: string;
  /** JETVM_IMAGE_DIRS: the only places VM files may come from */
  imageDirs: readonly string[];
  /** what QEMU can do on this host (caps.ts probeCaps) */
  caps: QemuCaps;
  /** what it can do on the Jetson this host stands for (caps.ts jetsonCaps: the simulated board's in sim mode) */
  jetsonCaps: QemuCaps;
  /** a fresh host snapshot (Host.scan) */
  scan: () => HostSnapshot;
  /** the CPUs and memory of the machine the VMs run on (the simulated board's in sim mode); unknown: the static limits */
  hostSize?: HostSize;
  /** sim host: run stand-ins instead of vfio-pci */
  sim: boolean;
  /** the dashboard's change bus (VM state changes) */
  events: ChangePublisher;
  /** the host lock, the device claims and the stop policy (one per host, shared with the passthrough service) */
  devices: DeviceOwnership;
  /** the console area: connect to this VM's serial socket as soon as QEMU creates it (QEMU holds the guest until then) */
  onLaunching?: (vm: string) => void;
  log?: { info: (o: object, m?: string) => void; warn: (o: object, m?: string) => void };
  /** crash poll interval (ms) */
  pollMs?: number;
  /** how long a QMP command may go unanswered (ms) */
  qmpTimeoutMs?: number;
}

export interface VmStatus {
  name: string;
  state: VmState;
  pid: number | null;
  sim: boolean;
  since: string | null;
  /** why the last start failed after the checks passed (QEMU refused to run); null once a start succeeds */
  lastError: string | null;
}

export interface StopOptions {
  /** how long the guest gets to power down before QEMU is told to quit */
  timeoutMs?: number;
}

/** QEMU outlived the whole stop sequence, SIGKILL included (stuck in the kernel): the VM's lock is free again. */
export class VmStopError extends DomainError {
  readonly kind = 'failed';
  readonly code = 'stop-failed';
  constructor(readonly vm: string, readonly pid: number, qmpErrors: string[]) {
    super(`VM "${vm}" did not stop: QEMU pid ${pid} is still there after SIGKILL${qmpErrors.length ? ` (${qmpErrors.join('; ')})` : ''}`);
    this.name = 'VmStopError';
  }
}

export class StartRefusedError extends DomainError {
  readonly kind = 'refused';
  readonly code = 'start-refused';
  constructor(readonly vm: string, readonly checks: Finding[]) {
    super(`VM "${vm}" was not started: ${blocking(checks).map((c) => c.message).join('; ')}`);
    this.name = 'StartRefusedError';
  }
}

interface Entry {
  watch: WatchedQemu;
  since: string;
  sim: boolean;
  /** resolves once the exit is fully handled (claims released, stop policy applied) */
  done: Promise<ExitKind>;
  /** stopped by a restart: the devices stay on vfio-pci for the start that follows, whatever the stop policy */
  restarting?: boolean;
}

export class Supervisor {
  readonly repo: VmRepo;
  /** what autostart did with each VM at this dashboard start (autostart.ts) */
  readonly autostartOutcomes = new Map<string, AutostartOutcome>();
  /** set by detachAll (dashboard shutdown): autostart starts nothing more */
  detached = false;
  private readonly running = new Map<string, Entry>();
  private readonly ended = new Map<string, { state: VmState; at: string; error?: string }>();
  private readonly busy = new Set<string>();
  private readonly hostSize: HostSize;

  constructor(private readonly o: SupervisorOptions) {
    this.hostSize = o.hostSize ?? UNKNOWN_HOST_SIZE;
    this.repo = new VmRepo(o.db, o.imageDirs, this.hostSize);
  }

  paths(name: string): VmPaths {
    return vmPaths(this.o.dataDir, name);
  }

  plan(name: string, snapshot = this.o.scan()): LaunchPlan {
    return launchPlan(this.repo.require(name), snapshot, this.o.caps, this.o.jetsonCaps, this.paths(name), this.o.sim);
  }

  checks(name: string, snapshot = this.o.scan()): Finding[] {
    const vm = this.repo.require(name);
    const files = fileIssues(vm, this.o.imageDirs).map((i) => ({ code: 'file', severity: 'error' as const, message: issueLine(i) }));
    const running = this.runningVms();
    return [
      ...files, ...guestChecks(vm, running), ...startSizeChecks(vm, running, this.hostSize),
      ...checkStart(vm, snapshot, this.o.caps, { claims: this.o.devices.claims(), sim: this.o.sim }),
    ];
  }

  /** What a VM may have on this host: its CPUs and memory less the reserve (the static limits when unknown). */
  sizeLimits(): SizeLimits {
    return sizeLimits(this.hostSize);
  }

  /**
   * The definitions of the VMs running now: this dashboard's (starting ones included: claimed, QEMU not up
   * yet) and any another jetvm process starts or watches.
   */
  private runningVms(): VmDefinition[] {
    const live = runRows(this.o.db).filter((r) => r.owner === SELF || runIsLive(r, this.paths(r.vm)));
    const names = new Set([...this.running.keys(), ...live.map((r) => r.vm)]);
    return [...names].map((n) => this.repo.get(n)).filter((v): v is VmDefinition => v !== null);
  }

  exportScript(name: string): string {
    const p = this.plan(name);
    return toShellScript(p.real.argv, [`jetvm VM ${name}: the QEMU command as it runs on the Jetson`, ...p.real.notes]);
  }

  exportXml(name: string): string {
    const caps = this.o.jetsonCaps;
    const emulator = resolveExecutable(caps.binary);
    if (!emulator) throw new Error(`the QEMU binary ${caps.binary} is not found on PATH: libvirt needs its absolute path`);
    return toLibvirtXml(this.repo.require(name), this.o.scan(), { ...caps, binary: emulator }, this.paths(name));
  }

  status(name: string): VmStatus {
    const e = this.running.get(name);
    if (e) return { name, state: e.watch.state, pid: e.watch.pid, sim: e.sim, since: e.since, lastError: null };
    const ended = this.ended.get(name);
    return { name, state: ended?.state ?? 'stopped', pid: null, sim: this.o.sim, since: ended?.at ?? null, lastError: ended?.error ?? null };
  }

  list(): VmStatus[] {
    return this.repo.list().map((vm) => this.status(vm.name));
  }

  /** A read-only QMP query of a running VM ("query-pci", "query-status"). */
  async query<T = unknown>(name: string, command: 'query-pci' | 'query-status' | 'query-kvm' | 'query-version'): Promise<T> {
    const qmp = this.running.get(name)?.watch.qmp;
    if (!qmp) throw new VmConflictError(`VM "${name}" is not running or has no QMP connection`);
    return qmp.execute<T>(command);
  }

  async start(name: string, actor: Actor): Promise<VmStatus> {
    return this.exclusive(name, () => this.startNow(name, actor));
  }

  private async startNow(name: string, actor: Actor): Promise<VmStatus> {
    if (this.running.has(name)) throw new VmConflictError(`VM "${name}" is already running`);
    // checks and claim under the host lock: no passthrough change falls between what the checks saw and the claim
    const { vm, plan, paths, startedAt } = await this.o.devices.exclusive(() => this.claimForStart(name, actor));
    try {
      const { pid, stderr } = await launchQemu(vm, plan, paths, this.o.onLaunching);
      recordRunPid(this.o.db, name, pid);
      const status = await this.watch(name, pid, plan.sim, startedAt);
      recordAudit(this.o.db, {
        ...actor, action: 'vm.start', target: name, result: 'ok',
        detail: { pid, argv: plan.run.argv, ...(plan.sim ? { realArgv: plan.real.argv } : {}), stderr: stderr || undefined },
      });
      this.o.log?.info({ vm: name, pid, sim: plan.sim }, 'vm started');
      return status;
    } catch (err) {
      const message = (err as Error).message;
      await discardRun(paths, name);
      this.o.devices.releaseAll(name);
      forgetRun(this.o.db, name);
      this.ended.set(name, { state: 'stopped', at: new Date().toISOString(), error: message });
      recordAudit(this.o.db, { ...actor, action: 'vm.start', target: name, result: 'error', detail: { error: message, argv: plan.run.argv } });
      this.o.events.publish({ kind: 'vm', vm: name, reason: 'start failed' });
      throw err;
    }
  }

  /** Checks the VM against a fresh scan and claims it and its devices (one transaction), or throws why not. */
  private claimForStart(name: string, actor: Actor) {
    const vm = this.repo.require(name);
    const paths = this.paths(name);
    const unwatched = qemuOf(paths, name);
    if (unwatched) {
      throw new VmConflictError(`VM "${name}" was not started: it already runs as QEMU pid ${unwatched}, which this dashboard does not watch (restart the dashboard to adopt it)`);
    }
    const snapshot = this.o.scan();
    const checks = this.checks(name, snapshot);
    if (blocking(checks).length) {
      recordAudit(this.o.db, { ...actor, action: 'vm.start', target: name, result: 'refused', detail: { checks: blocking(checks) } });
      throw new StartRefusedError(name, checks);
    }
    const plan = launchPlan(vm, snapshot, this.o.caps, this.o.jetsonCaps, paths, this.o.sim);
    const devices = passedEndpoints(vm.devices, snapshot).map((f) => f.address);
    // the VM and its devices, claimed in one transaction: of two starts from any processes one wins
    const startedAt = new Date().toISOString();
    const run = { vm: name, runDir: paths.runDir, sim: plan.sim, argv: plan.run.argv, startedAt, owner: SELF };
    const refusal = this.o.devices.claimForStart(run, devices, (row) => runIsLive(row, this.paths(row.vm)));
    if (refusal) {
      recordAudit(this.o.db, { ...actor, action: 'vm.start', target: name, result: 'refused', detail: refusal });
      throw new VmConflictError(`VM "${name}" was not started: ${refusalMessage(refusal)}`);
    }
    return { vm, plan, paths, startedAt };
  }

  private async watch(name: string, pid: number, sim: boolean, since: string): Promise<VmStatus> {
    const watch = new WatchedQemu(name, pid, this.paths(name).qmpSocket, this.o.pollMs, this.o.qmpTimeoutMs);
    let handled!: (k: ExitKind) => void;
    const done = new Promise<ExitKind>((r) => (handled = r));
    const entry: Entry = { watch, since, sim, done };
    this.running.set(name, entry);
    this.ended.delete(name);
    watch.on('state', () => this.o.events.publish({ kind: 'vm', vm: name, reason: `state ${watch.state}` }));
    watch.once('exit', (kind: ExitKind) => void this.onExit(name, kind, entry.restarting).finally(() => handled(kind)));
    await watch.attach();
    this.o.events.publish({ kind: 'vm', vm: name, reason: 'started' });
    return this.status(name);
  }

  /**
   * Everything that follows a QEMU's exit, each step on its own (exit-steps.ts): a failing step (the
   * disk is full, so SQLite cannot write) is logged and audited when possible, and the ones that
   * must not leave state behind (claims, the run row) are retried until they succeed.
   */
  private async onExit(name: string, kind: ExitKind, restarting = false): Promise<void> {
    this.running.delete(name);
    this.ended.set(name, { state: kind, at: new Date().toISOString() });
    let devices: string[] = [];
    const steps: ExitStep[] = [
      { name: 'read claims', run: () => (devices = this.o.devices.heldBy(name)) },
      { name: 'release claims', retry: true, run: () => this.o.devices.releaseAll(name) },
      { name: 'forget run', retry: true, run: () => forgetRun(this.o.db, name) },
      { name: 'clean run directory', retry: true, run: () => cleanRunDir(this.paths(name)) },
      {
        name: 'audit',
        run: () => {
          if (kind !== 'stopped') recordAudit(this.o.db, { ...SYSTEM, action: kind === 'crashed' ? 'vm.crash' : 'vm.shutdown', target: name, result: kind === 'crashed' ? 'error' : 'ok' });
        },
      },
      { name: 'publish', run: () => this.o.events.publish({ kind: 'vm', vm: name, reason: kind }) },
      { name: 'device policy', run: () => (restarting ? undefined : this.applyStopPolicy(name, devices)) },
    ];
    await runExitSteps(steps, (e) => {
      this.o.log?.warn({ vm: name, ...e }, `VM exit: step "${e.step}" failed${e.final ? '' : '; retrying'}`);
      if (e.final) {
        try {
          recordAudit(this.o.db, { ...SYSTEM, action: 'vm.exit', target: name, result: 'error', detail: { step: e.step, error: e.error } });
        } catch {
          // the audit cannot be written either (disk full): the log line above is the record
        }
      }
    });
  }

  private async applyStopPolicy(name: string, devices: string[]): Promise<void> {
    const vm = this.repo.get(name);
    if (!vm) return;
    try {
      await this.o.devices.applyStopPolicy({ vm: name, policy: vm.onStop, devices, actor: SYSTEM });
    } catch (err) {
      recordAudit(this.o.db, { ...SYSTEM, action: 'vm.devices', target: name, result: 'error', detail: { policy: vm.onStop, error: (err as Error).message } });
    }
  }

  /** Graceful: system_powerdown, wait timeoutMs, then quit, then SIGKILL. */
  async stop(name: string, actor: Actor, opts: StopOptions = {}): Promise<VmStatus> {
    return this.exclusive(name, () => this.stopNow(name, actor, opts.timeoutMs ?? 30_000, true));
  }

  /** quit, then SIGKILL after a short grace. */
  async forceStop(name: string, actor: Actor): Promise<VmStatus> {
    return this.exclusive(name, () => this.stopNow(name, actor, 0, false));
  }

  /**
   * Stop (if running) and start under one hold of the VM's lock: no other start or stop of it falls in
   * between. The devices stay on vfio-pci across it (a "return" stop policy would leave nothing to start with).
   */
  async restart(name: string, actor: Actor, opts: StopOptions = {}): Promise<VmStatus> {
    return this.exclusive(name, async () => {
      const e = this.running.get(name);
      if (e) {
        e.restarting = true;
        await this.stopNow(name, actor, opts.timeoutMs ?? 30_000, true);
      }
      return this.startNow(name, actor);
    });
  }

  private async stopNow(name: string, actor: Actor, timeoutMs: number, graceful: boolean): Promise<VmStatus> {
    const e = this.running.get(name);
    if (!e) throw new VmConflictError(`VM "${name}" is not running`);
    const { watch } = e;
    watch.stopRequested = true;
    watch.setState('stopping');
    const { how, qmpErrors } = await endQemu(watch, e.done, { graceful, timeoutMs });
    const stopped = !this.running.has(name);
    const detail = { how, pid: watch.pid, ...(qmpErrors.length ? { qmp: qmpErrors } : {}) };
    recordAudit(this.o.db, { ...actor, action: graceful ? 'vm.stop' : 'vm.forceStop', target: name, result: stopped ? 'ok' : 'error', detail });
    if (!stopped) throw new VmStopError(name, watch.pid, qmpErrors);
    return this.status(name);
  }

  /**
   * On dashboard start: re-attach every QEMU recorded in vm_runs whose pid is still that QEMU; record
   * the ones that died meanwhile (pidfile left behind → crashed, else shut down) and release their devices.
   */
  async adoptAll(): Promise<VmStatus[]> {
    const out: VmStatus[] = [];
    for (const row of runRows(this.o.db)) {
      if (this.running.has(row.vm)) continue;
      if (ownedElsewhere(row)) continue; // another live jetvm process starts or watches it
      const paths = this.paths(row.vm);
      const pid = qemuOf(paths, row.vm, row.pid);
      if (pid) {
        recordRunOwner(this.o.db, row.vm, SELF);
        out.push(await this.watch(row.vm, pid, row.sim, row.started_at));
        recordAudit(this.o.db, { ...SYSTEM, action: 'vm.adopt', target: row.vm, result: 'ok', detail: { pid } });
      } else {
        await this.onExit(row.vm, fs.existsSync(paths.pidFile) ? 'crashed' : 'shutdown');
        out.push(this.status(row.vm));
      }
    }
    return out;
  }

  /** Stop watching every QEMU, leaving them running (dashboard shutdown). */
  detachAll(): void {
    this.detached = true;
    for (const e of this.running.values()) {
      e.watch.removeAllListeners('exit');
      e.watch.detach();
    }
    this.running.clear();
  }

  private async exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (this.busy.has(name)) throw new VmConflictError(`VM "${name}" is busy with another start, stop or restart`);
    this.busy.add(name);
    try {
      return await fn();
    } finally {
      this.busy.delete(name);
    }
  }
}

function refusalMessage(r: RunRefusal): string {
  if ('conflicts' in r) return r.conflicts.map((c) => `${c.address} is in use by the running VM "${c.vm}"`).join('; ');
  if (r.run.pid !== null) return `it is already running (QEMU pid ${r.run.pid}, started ${r.run.started_at})`;
  return `another jetvm process (pid ${Number.parseInt(r.run.owner ?? '', 10)}) is starting it right now`;
}
