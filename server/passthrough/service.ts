// The passthrough service: plans from a fresh scan, applies with progress, records originals and
// writes every change to the audit log. Routers call this; it takes an actor for each change.
import type { Db } from '../db';
import { recordAudit, type AuditAction, type AuditResult } from '../db/audit';
import type { ChangePublisher } from '../events';
import type { Host } from '../host/host';
import { applyPlan, type ApplyListener, type ApplyOutcome } from './apply';
import type { HostLock } from '../devices/ownership';
import { PassthroughRefusedError, StalePlanError } from './errors';
import { parseFdt } from '../devicetree/fdt';
import { planOverlay } from '../devicetree/overlay-plan';
import { devkitTree } from '../devicetree/trees';
import { overlayForHost, type OverlayView } from './overlay-view';
import { platformDeviceSchema } from './validate';
import { planPassthrough, planRelease } from './plan';
import { gatherPreflightFacts } from './preflight-gather';
import { preflightRules } from './preflight';
import { sizeLimits } from '../vm/sizing';
import { worstSeverity } from '../../common/finding';
import { renderShell } from './shell';
import { forgetOriginals, loadOriginals, recordOriginals } from './store';
import type { Plan, PlanContext, SysfsWrite, VmClaim } from './types';

import type { Actor } from '../db/audit';
import { KnownError } from '../errors';

export type { Actor };

export interface PassthroughDeps {
  host: Host;
  db: Db;
  qemuBinary: string;
  /** jetvm's data directory (preflight checks its free space) */
  dataDir?: string;
  /** running VMs and the host devices they hold (server/devices/ownership.ts knows) */
  vmClaims: () => VmClaim[];
  /** the host lock every change and every VM start's claim takes (a DeviceOwnership) */
  lock: HostLock;
  /** network interfaces the dashboard is reached through, besides the default-route ones */
  dashboardInterfaces?: () => string[];
  events: ChangePublisher;
}

export interface ChangeOptions {
  /** the writes the user saw and confirmed: refused if the fresh plan differs */
  confirmedWrites?: Array<Pick<SysfsWrite, 'path' | 'value'>>;
  onEvent?: ApplyListener;
}

export type { OverlayView };

const controllerList = (controllers: string[]) => [...new Set(controllers.map((c) => platformDeviceSchema.parse(c)))].sort();

const sameWrites = (a: Array<Pick<SysfsWrite, 'path' | 'value'>>, b: SysfsWrite[]) =>
  a.length === b.length && a.every((w, i) => w.path === b[i].path && w.value === b[i].value);

export class PassthroughService {
  constructor(private readonly deps: PassthroughDeps) {}

  private context(): PlanContext {
    return { vmClaims: this.deps.vmClaims(), dashboardInterfaces: this.deps.dashboardInterfaces?.() ?? [], recordedOriginals: loadOriginals(this.deps.db) };
  }

  private audit(actor: Actor, action: AuditAction, target: string | null, result: AuditResult, detail: unknown): void {
    recordAudit(this.deps.db, { ...actor, action, target, detail, result });
  }

  /** The plan to hand the group of `address` to vfio-pci, with the writes as a shell script. */
  plan(address: string): Plan & { script: string } {
    const plan = planPassthrough(this.deps.host.scan(), address, this.context());
    return { ...plan, script: renderShell(plan.writes) };
  }

  planRelease(address: string): Plan & { script: string } {
    const plan = planRelease(this.deps.host.scan(), address, this.context());
    return { ...plan, script: renderShell(plan.writes) };
  }

  apply(actor: Actor, address: string, opts: ChangeOptions = {}): Promise<ApplyOutcome> {
    return this.change(actor, 'passthrough.apply', address, () => planPassthrough(this.deps.host.scan(), address, this.context()), opts);
  }

  release(actor: Actor, address: string, opts: ChangeOptions = {}): Promise<ApplyOutcome> {
    return this.change(actor, 'passthrough.release', address, () => planRelease(this.deps.host.scan(), address, this.context()), opts);
  }

  private change(actor: Actor, action: AuditAction, address: string, makePlan: () => Plan, opts: ChangeOptions): Promise<ApplyOutcome> {
    const { host, db, lock } = this.deps;
    // plan and apply inside one host lock, so the plan is made from the state the writes meet
    return lock.exclusive(async () => {
      const plan = makePlan();
      if (plan.refusals.length) {
        this.audit(actor, action, plan.target, 'refused', { refusals: plan.refusals });
        throw new PassthroughRefusedError(plan.refusals);
      }
      if (opts.confirmedWrites && !sameWrites(opts.confirmedWrites, plan.writes)) {
        this.audit(actor, action, plan.target, 'refused', { reason: 'stale plan', confirmed: opts.confirmedWrites, now: plan.writes });
        throw new StalePlanError();
      }
      const outcome = await applyPlan(host, plan, opts.onEvent);
      if (outcome.ok && plan.kind === 'bind') recordOriginals(db, plan.group, plan.originals);
      if (outcome.ok && plan.kind === 'release') forgetOriginals(db, plan.endpoints);
      this.audit(actor, action, plan.target, outcome.ok ? 'ok' : 'error', {
        group: plan.group,
        endpoints: plan.endpoints,
        writes: outcome.steps.map((s) => s.result),
        failure: outcome.failure,
        rollback: outcome.rollback && { writes: outcome.rollback.steps.map((s) => s.result), verification: outcome.rollback.verification },
        verification: outcome.verification,
      });
      this.deps.events.publish({ kind: 'host', reason: `${plan.kind === 'bind' ? 'passed through' : 'returned to the host'}: group ${plan.group ?? '?'} (${outcome.ok ? 'ok' : 'failed, rolled back'})` });
      return outcome;
    });
  }

  /** The overlay for these controllers, derived from the booted tree and checked against it with fdtoverlay. */
  overlay(controllers: string[]): Promise<OverlayView> {
    return overlayForHost(this.deps.host.root, controllerList(controllers));
  }

  /** The controllers a plan's platform-in-group refusals point at. */
  overlayControllersFor(address: string): string[] {
    const plan = planPassthrough(this.deps.host.scan(), address, this.context());
    return [...new Set(plan.refusals.flatMap((r) => (r.overlay ? [r.overlay.platformDevice] : [])))].sort();
  }

  /** Sim mode: "install" the overlay for exactly these controllers and reboot the simulated Orin with it. */
  async simulateOverlayReboot(actor: Actor, controllers: string[]): Promise<{ controllers: string[] }> {
    const { host } = this.deps;
    const list = controllerList(controllers);
    const refuse = (message: string): never => {
      this.audit(actor, 'passthrough.overlay-reboot', list.join(','), 'refused', { controllers: list, reason: message });
      throw new KnownError('refused', 'overlay-reboot-refused', message);
    };
    if (!host.sim) refuse('On a real Jetson install the overlay yourself (see the steps) and reboot; jetvm does not reboot the machine.');
    const running = this.deps.vmClaims().filter((c) => c.devices.length > 0);
    if (running.length) refuse(`Stop ${running.map((c) => `"${c.vm}"`).join(', ')} first: a reboot ends every VM.`);
    const sim = host.sim!;
    let source: string | null = null;
    try {
      source = planOverlay(parseFdt(devkitTree(sim.release)), list.map((platformDevice) => ({ platformDevice }))).source;
      await this.deps.lock.exclusive(() => sim.reboot({ overlay: list }));
    } catch (e) {
      refuse(`The overlay cannot be applied: ${(e as Error).message}`);
    }
    forgetOriginals(this.deps.db, loadOriginals(this.deps.db).map((o) => o.address)); // a reboot gives everything back
    this.deps.events.publish({ kind: 'host', reason: 'simulated reboot' });
    this.audit(actor, 'passthrough.overlay-reboot', list.join(',') || null, 'ok', { controllers: list, release: sim.release, source });
    return { controllers: sim.overlay() };
  }

  async preflight(guestRamBytes: number) {
    const { host, qemuBinary, dataDir } = this.deps;
    const facts = await gatherPreflightFacts(host.scan(), { mode: host.mode, root: host.root, qemuBinary, guestRamBytes, dataDir });
    const items = preflightRules(facts);
    // what the machine is, beside the checks: its size (what a VM may take), L4T release and kernel command line
    const { l4tRelease, kernelCmdline } = facts.machine;
    return { summary: worstSeverity(items), items, host: { ...sizeLimits(facts.machine), l4tRelease, kernelCmdline } };
  }
}
