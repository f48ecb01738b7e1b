// Starts, stops and watches detached QEMUs; re-adopts them after a dashboard restart.
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db';
import { recordAudit } from '../db/audit';
import type { ChangePublisher } from '../events';
import type { HostSnapshot } from '../host/types';
import { resolveExecutable } from './caps';
import { blocking, checkStart } from './checks';
import { claimRun, claimedBy, currentClaims, releaseDevices, type RunRefusal, type RunRow } from './claims';
import type { AutostartOutcome } from './autostart';
import { passedEndpoints } from './devices';
import { guestChecks, prepareGuest } from './guest-prep';
import { toLibvirtXml, toShellScript } from './export';
import { vmPaths, type VmPaths } from './paths';
import { jetsonCaps, launchPlan, type LaunchPlan } from './plan';
import { isOurQemu, launchDaemon, pidAlive, processIdentity, readPidFile, waitForExit } from './proc';
import { VmConflictError, VmRepo } from './repo';
import { runExitSteps, type ExitStep } from './exit-steps';
import { fileIssues } from './schema';
import { issueLine } from '../../common/errors';
import { releaseSerialWait, withoutWaitNotice } from './serial-wait';
import type { Finding, QemuCaps, StopPolicy, VmDefinition, VmState } from './types';
import { WatchedQemu, type ExitKind } from './watch';

import type { Actor } from '../db/audit';
import { DomainError } from '../errors';

export type { Actor };
const SYSTEM: Actor = { actor: 'system', remote: null };
/** this process, as vm_runs.owner records it */
const SELF = processIdentity(process.pid) ?? `${process.pid}`;

/** Filled by the passthrough area: what to do with a VM's devices once its QEMU is gone. */
export type DevicePolicyHook = (e: { vm: VmDefinition; policy: StopPolicy; devices: string[]; reason: ExitKind; actor: Actor }) => void | Promise<void>;

export interface SupervisorOptions {
  db: Db;
  dataDir: string;
  /** JETVM_IMAGE_DIRS: the only places VM files may come from */
  imageDirs: readonly string[];
  caps: QemuCaps;
  /** a fresh host snapshot (Host.scan) */
  scan: () => HostSnapshot;
  /** sim host: run stand-ins instead of vfio-pci */
  sim: boolean;
  /** the dashboard's change bus (VM state changes) */
  events: ChangePublisher;
  onDevicesReleased?: DevicePolicyHook;
  /** the console area: connect to this VM's serial socket as soon as QEMU creates it (QEMU holds the guest until then) */
  onLaunching?: (vm: string) => void;
  log?: { info: (o: object, m?: string) => void; warn: (o: object, m?: string) => void };
  /** crash poll interval (ms) */
  pollMs?: number;
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

/** QEMU was run and did not come up; everything the start set up has been undone. */
export class VmLaunchError extends DomainError {
  readonly kind = 'failed';
  readonly code = 'launch-failed';
  constructor(message: string) {
    super(message);
    this.name = 'VmLaunchError';
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
  /** resolves once the exit is fully handled (claims released, hook run) */
  done: Promise<ExitKind>;
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

  constructor(private readonly o: SupervisorOptions) {
    this.repo = new VmRepo(o.db, o.imageDirs);
  }

  paths(name: string): VmPaths {
    return vmPaths(this.o.dataDir, name);
  }

  plan(name: string, snapshot = this.o.scan()): LaunchPlan {
    return launchPlan(this.repo.require(name), snapshot, this.o.caps, this.paths(name), this.o.sim);
  }

  checks(name: string, snapshot = this.o.scan()): Finding[] {
    const vm = this.repo.require(name);
    const files = fileIssues(vm, this.o.imageDirs).map((i) => ({ code: 'file', severity: 'error' as const, message: issueLine(i) }));
    const running = [...this.running.keys()].map((n) => this.repo.get(n)).filter((v): v is VmDefinition => v !== null);
    return [...files, ...guestChecks(vm, running), ...checkStart(vm, snapshot, this.o.caps, { claims: currentClaims(this.o.db), sim: this.o.sim })];
  }

  exportScript(name: string): string {
    const p = this.plan(name);
    return toShellScript(p.real.argv, [`jetvm VM ${name}: the QEMU command as it runs on the Jetson`, ...p.real.notes]);
  }

  exportXml(name: string): string {
    const sim = this.o.sim;
    const caps = sim ? jetsonCaps(this.o.caps) : this.o.caps;
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
    return this.exclusive(name, async () => {
      const vm = this.repo.require(name);
      if (this.running.has(name)) throw new VmConflictError(`VM "${name}" is already running`);
      const paths = this.paths(name);
      const stalePid = readPidFile(paths.pidFile);
      if (stalePid && pidAlive(stalePid) && isOurQemu(stalePid, name, paths.pidFile)) {
        throw new VmConflictError(`VM "${name}" was not started: it already runs as QEMU pid ${stalePid}, which this dashboard does not watch (restart the dashboard to adopt it)`);
      }
      const snapshot = this.o.scan();
      const checks = this.checks(name, snapshot);
      if (blocking(checks).length) {
        recordAudit(this.o.db, { ...actor, action: 'vm.start', target: name, result: 'refused', detail: { checks: blocking(checks) } });
        throw new StartRefusedError(name, checks);
      }
      const plan = launchPlan(vm, snapshot, this.o.caps, paths, this.o.sim);
      const devices = passedEndpoints(vm.devices, snapshot).map((f) => f.address);
      // the VM and its devices, claimed in one transaction: of two starts from any processes one wins
      const startedAt = new Date().toISOString();
      const refusal = claimRun(this.o.db, { vm: name, runDir: paths.runDir, sim: plan.sim, argv: plan.run.argv, startedAt, owner: SELF }, devices, (row) => this.runIsLive(row));
      if (refusal) {
        recordAudit(this.o.db, { ...actor, action: 'vm.start', target: name, result: 'refused', detail: refusal });
        throw new VmConflictError(`VM "${name}" was not started: ${refusalMessage(refusal)}`);
      }
      try {
        return await this.launch(vm, plan, paths, actor, startedAt);
      } catch (err) {
        const message = (err as Error).message;
        await discardRun(paths, name);
        releaseDevices(this.o.db, name);
        this.o.db.prepare('DELETE FROM vm_runs WHERE vm = ?').run(name);
        this.ended.set(name, { state: 'stopped', at: new Date().toISOString(), error: message });
        recordAudit(this.o.db, { ...actor, action: 'vm.start', target: name, result: 'error', detail: { error: message, argv: plan.run.argv } });
        this.o.events.publish({ kind: 'vm', vm: name, reason: 'start failed' });
        throw err;
      }
    });
  }

  /** A run row stands while its QEMU lives, or while another jetvm process that is still alive starts or watches it. */
  private runIsLive(row: RunRow): boolean {
    if (row.pid !== null && pidAlive(row.pid) && isOurQemu(row.pid, row.vm, this.paths(row.vm).pidFile)) return true;
    return ownedElsewhere(row);
  }

  private async launch(vm: VmDefinition, plan: LaunchPlan, paths: VmPaths, actor: Actor, now: string): Promise<VmStatus> {
    prepareRunDir(paths, plan);
    prepareGuest(vm, paths);
    // the serial chardev is wait=on: somebody must connect before the guest runs (and QEMU daemonizes)
    const stopReleasing = this.o.onLaunching ? (this.o.onLaunching(vm.name), undefined) : releaseSerialWait(paths.serialSocket);
    const launched = await launchDaemon(plan.run.argv).finally(() => stopReleasing?.());
    const r = { ...launched, stderr: withoutWaitNotice(launched.stderr) };
    const pid = readPidFile(paths.pidFile);
    if (r.code !== 0 || !pid) throw new VmLaunchError(`QEMU did not start (exit ${r.code}): ${r.stderr || 'no message'}`);
    this.o.db.prepare('UPDATE vm_runs SET pid = ? WHERE vm = ?').run(pid, vm.name);
    const status = await this.watch(vm.name, pid, plan.sim, now);
    recordAudit(this.o.db, {
      ...actor, action: 'vm.start', target: vm.name, result: 'ok',
      detail: { pid, argv: plan.run.argv, ...(plan.sim ? { realArgv: plan.real.argv } : {}), stderr: r.stderr || undefined },
    });
    this.o.log?.info({ vm: vm.name, pid, sim: plan.sim }, 'vm started');
    return status;
  }

  private async watch(name: string, pid: number, sim: boolean, since: string): Promise<VmStatus> {
    const watch = new WatchedQemu(name, pid, this.paths(name).qmpSocket, this.o.pollMs);
    let handled!: (k: ExitKind) => void;
    const done = new Promise<ExitKind>((r) => (handled = r));
    this.running.set(name, { watch, since, sim, done });
    this.ended.delete(name);
    watch.on('state', () => this.o.events.publish({ kind: 'vm', vm: name, reason: `state ${watch.state}` }));
    watch.once('exit', (kind: ExitKind) => void this.onExit(name, kind).finally(() => handled(kind)));
    await watch.attach();
    this.o.events.publish({ kind: 'vm', vm: name, reason: 'started' });
    return this.status(name);
  }

  /**
   * Everything that follows a QEMU's exit, each step on its own (exit-steps.ts): a failing step (the
   * disk is full, so SQLite cannot write) is logged and audited when possible, and the ones that
   * must not leave state behind (claims, the run row) are retried until they succeed.
   */
  private async onExit(name: string, kind: ExitKind): Promise<void> {
    this.running.delete(name);
    this.ended.set(name, { state: kind, at: new Date().toISOString() });
    let devices: string[] = [];
    const steps: ExitStep[] = [
      { name: 'read claims', run: () => (devices = claimedBy(this.o.db, name)) },
      { name: 'release claims', retry: true, run: () => releaseDevices(this.o.db, name) },
      { name: 'forget run', retry: true, run: () => this.o.db.prepare('DELETE FROM vm_runs WHERE vm = ?').run(name) },
      { name: 'clean run directory', retry: true, run: () => cleanRunDir(this.paths(name)) },
      {
        name: 'audit',
        run: () => {
          if (kind !== 'stopped') recordAudit(this.o.db, { ...SYSTEM, action: kind === 'crashed' ? 'vm.crash' : 'vm.shutdown', target: name, result: kind === 'crashed' ? 'error' : 'ok' });
        },
      },
      { name: 'publish', run: () => this.o.events.publish({ kind: 'vm', vm: name, reason: kind }) },
      { name: 'device policy', run: () => this.applyDevicePolicy(name, kind, devices) },
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

  private async applyDevicePolicy(name: string, kind: ExitKind, devices: string[]): Promise<void> {
    const vm = this.repo.get(name);
    if (!vm || !this.o.onDevicesReleased || devices.length === 0) return;
    try {
      await this.o.onDevicesReleased({ vm, policy: vm.onStop, devices, reason: kind, actor: SYSTEM });
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

  async restart(name: string, actor: Actor, opts: StopOptions = {}): Promise<VmStatus> {
    if (this.running.has(name)) await this.stop(name, actor, opts);
    return this.start(name, actor);
  }

  private async stopNow(name: string, actor: Actor, timeoutMs: number, graceful: boolean): Promise<VmStatus> {
    const e = this.running.get(name);
    if (!e) throw new VmConflictError(`VM "${name}" is not running`);
    const { watch } = e;
    watch.stopRequested = true;
    watch.setState('stopping');
    const exited = () => Promise.race([e.done.then(() => true), sleep(timeoutMs).then(() => false)]);
    let how = 'quit';
    if (graceful) {
      how = 'powerdown';
      await watch.qmp?.execute('system_powerdown').catch(() => undefined);
      if (!watch.qmp) process.kill(watch.pid, 'SIGTERM');
    }
    if (!graceful || !(await exited())) {
      how = 'quit';
      if (watch.qmp) await watch.qmp.execute('quit').catch(() => undefined);
      else signal(watch.pid, 'SIGTERM');
      if (!(await waitForExit(watch.pid, 3000))) {
        how = 'kill';
        signal(watch.pid, 'SIGKILL');
        await waitForExit(watch.pid, 3000);
      }
    }
    await Promise.race([e.done, sleep(3000)]);
    recordAudit(this.o.db, { ...actor, action: graceful ? 'vm.stop' : 'vm.forceStop', target: name, result: this.running.has(name) ? 'error' : 'ok', detail: { how, pid: watch.pid } });
    return this.status(name);
  }

  /**
   * On dashboard start: re-attach every QEMU recorded in vm_runs whose pid is still that QEMU; record
   * the ones that died meanwhile (pidfile left behind → crashed, else shut down) and release their devices.
   */
  async adoptAll(): Promise<VmStatus[]> {
    const rows = this.o.db.prepare('SELECT vm, pid, sim, started_at, owner FROM vm_runs').all() as Array<RunRow & { sim: number }>;
    const out: VmStatus[] = [];
    for (const row of rows) {
      if (this.running.has(row.vm)) continue;
      if (ownedElsewhere(row)) continue; // another live jetvm process starts or watches it
      const paths = this.paths(row.vm);
      const pid = readPidFile(paths.pidFile) ?? row.pid;
      if (pid && pidAlive(pid) && isOurQemu(pid, row.vm, paths.pidFile)) {
        this.o.db.prepare('UPDATE vm_runs SET owner = ? WHERE vm = ?').run(SELF, row.vm);
        out.push(await this.watch(row.vm, pid, row.sim === 1, row.started_at));
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
    if (this.busy.has(name)) throw new VmConflictError(`VM "${name}" is busy with another start or stop`);
    this.busy.add(name);
    try {
      return await fn();
    } finally {
      this.busy.delete(name);
    }
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

function prepareRunDir(paths: VmPaths, plan: LaunchPlan): void {
  fs.mkdirSync(paths.runDir, { recursive: true, mode: 0o700 });
  fs.mkdirSync(paths.vmDir, { recursive: true, mode: 0o700 });
  for (const f of [paths.pidFile, paths.qmpSocket, paths.serialSocket]) fs.rmSync(f, { force: true });
  for (const s of plan.run.scratch) {
    fs.writeFileSync(s.path, '');
    fs.truncateSync(s.path, s.sizeBytes);
  }
}

/** Started or adopted by another jetvm process that is still alive. */
function ownedElsewhere(row: RunRow): boolean {
  return row.owner !== null && row.owner !== SELF && processIdentity(Number.parseInt(row.owner, 10)) === row.owner;
}

function refusalMessage(r: RunRefusal): string {
  if ('conflicts' in r) return r.conflicts.map((c) => `${c.address} is in use by the running VM "${c.vm}"`).join('; ');
  if (r.run.pid !== null) return `it is already running (QEMU pid ${r.run.pid}, started ${r.run.started_at})`;
  return `another jetvm process (pid ${Number.parseInt(r.run.owner ?? '', 10)}) is starting it right now`;
}

/** After a failed launch: a QEMU that came up anyway is killed, and the run directory goes. */
async function discardRun(paths: VmPaths, name: string): Promise<void> {
  const pid = readPidFile(paths.pidFile);
  if (pid && pidAlive(pid) && isOurQemu(pid, name, paths.pidFile)) {
    signal(pid, 'SIGKILL');
    await waitForExit(pid, 3000);
  }
  fs.rmSync(paths.runDir, { recursive: true, force: true });
}

function cleanRunDir(paths: VmPaths): void {
  for (const f of [paths.pidFile, paths.qmpSocket, paths.serialSocket]) fs.rmSync(f, { force: true });
  for (const f of fs.existsSync(paths.runDir) ? fs.readdirSync(paths.runDir) : []) {
    if (f.startsWith('sim-') && f.endsWith('.img')) fs.rmSync(path.join(paths.runDir, f), { force: true });
  }
}
