// The passthrough service: plans from a fresh scan, applies with progress, records originals and
// writes every change to the audit log. Routers call this; it takes an actor for each change.
import type { Db } from '../db';
import { recordAudit, type AuditResult } from '../db/audit';
import { publishChange } from '../events';
import type { Host } from '../host/host';
import { executePlan, serialised, type ApplyListener, type ApplyOutcome } from './apply';
import { PassthroughRefusedError, StalePlanError } from './errors';
import { baseTreePatch, installSteps, normaliseLabels, overlaySource, UNSAFE_INTERRUPTS_ARG } from './overlay';
import { checkOverlay, type OverlayCheck } from './overlay-dtc';
import { planPassthrough, planRelease } from './plan';
import { gatherPreflightFacts } from './preflight-gather';
import { preflightRules } from './preflight';
import { worstSeverity } from '../../shared/finding';
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
  /** running VMs and the host devices they hold (the VM supervisor knows) */
  vmClaims: () => VmClaim[];
  /** network interfaces the dashboard is reached through, besides the default-route ones */
  dashboardInterfaces?: () => string[];
}

export interface ChangeOptions {
  /** the writes the user saw and confirmed: refused if the fresh plan differs */
  confirmedWrites?: Array<Pick<SysfsWrite, 'path' | 'value'>>;
  onEvent?: ApplyListener;
}

export interface OverlayView {
  labels: string[];
  source: string;
  baseTreePatch: string;
  installSteps: ReturnType<typeof installSteps>;
  kernelArgument: string;
  check: Omit<OverlayCheck, 'dtbo'> & { dtboBytes: number | null };
}

const sameWrites = (a: Array<Pick<SysfsWrite, 'path' | 'value'>>, b: SysfsWrite[]) =>
  a.length === b.length && a.every((w, i) => w.path === b[i].path && w.value === b[i].value);

export class PassthroughService {
  constructor(private readonly deps: PassthroughDeps) {}

  private context(): PlanContext {
    return { vmClaims: this.deps.vmClaims(), dashboardInterfaces: this.deps.dashboardInterfaces?.() ?? [], recordedOriginals: loadOriginals(this.deps.db) };
  }

  private audit(actor: Actor, action: string, target: string | null, result: AuditResult, detail: unknown): void {
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

  private change(actor: Actor, action: string, address: string, makePlan: () => Plan, opts: ChangeOptions): Promise<ApplyOutcome> {
    const { host, db } = this.deps;
    // plan and apply inside one host lock, so the plan is made from the state the writes meet
    return serialised(host, async () => {
      const plan = makePlan();
      if (plan.refusals.length) {
        this.audit(actor, action, plan.target, 'refused', { refusals: plan.refusals });
        throw new PassthroughRefusedError(plan.refusals);
      }
      if (opts.confirmedWrites && !sameWrites(opts.confirmedWrites, plan.writes)) {
        this.audit(actor, action, plan.target, 'refused', { reason: 'stale plan', confirmed: opts.confirmedWrites, now: plan.writes });
        throw new StalePlanError();
      }
      const outcome = await executePlan(host, plan, opts.onEvent);
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
      publishChange({ kind: 'host', reason: `${plan.kind === 'bind' ? 'passed through' : 'returned to the host'}: group ${plan.group ?? '?'} (${outcome.ok ? 'ok' : 'failed, rolled back'})` });
      return outcome;
    });
  }

  /** The overlay for these controller labels, checked with dtc when it is installed. */
  async overlay(labels: string[]): Promise<OverlayView> {
    const list = normaliseLabels(labels);
    const source = overlaySource(list);
    const { dtbo, ...check } = await checkOverlay(source, list);
    return { labels: list, source, baseTreePatch: baseTreePatch(list), installSteps: installSteps(list), kernelArgument: UNSAFE_INTERRUPTS_ARG, check: { ...check, dtboBytes: dtbo?.length ?? null } };
  }

  /** The labels a plan's platform-in-group refusals point at. */
  overlayLabelsFor(address: string): string[] {
    const plan = planPassthrough(this.deps.host.scan(), address, this.context());
    return [...new Set(plan.refusals.flatMap((r) => (r.overlay?.dtLabel ? [r.overlay.dtLabel] : [])))];
  }

  /** Sim mode: "install" the overlay and reboot the simulated Orin with exactly these labels applied. */
  async simulateOverlayReboot(actor: Actor, labels: string[]): Promise<{ overlayLabels: string[] }> {
    const { host } = this.deps;
    const list = labels.length ? normaliseLabels(labels) : [];
    const refuse = (message: string): never => {
      this.audit(actor, 'passthrough.overlay-reboot', list.join(','), 'refused', { labels: list, reason: message });
      throw new KnownError('refused', 'overlay-reboot-refused', message);
    };
    if (!host.sim) refuse('On a real Jetson install the overlay yourself (see the steps) and reboot; jetvm does not reboot the machine.');
    const running = this.deps.vmClaims().filter((c) => c.devices.length > 0);
    if (running.length) refuse(`Stop ${running.map((c) => `"${c.vm}"`).join(', ')} first: a reboot ends every VM.`);
    if (list.length) {
      const check = await checkOverlay(overlaySource(list), list);
      if (check.dtcPresent && !check.ok) refuse(`The overlay does not pass dtc: ${check.stderr}`);
    }
    await serialised(host, async () => host.sim!.reboot({ overlayLabels: list }));
    forgetOriginals(this.deps.db, loadOriginals(this.deps.db).map((o) => o.address)); // a reboot gives everything back
    this.audit(actor, 'passthrough.overlay-reboot', list.join(',') || null, 'ok', { labels: list, source: list.length ? overlaySource(list) : null });
    return { overlayLabels: host.sim!.overlayLabels() };
  }

  async preflight(guestRamBytes: number) {
    const items = preflightRules(await gatherPreflightFacts(this.deps.host.scan(), { mode: this.deps.host.mode, qemuBinary: this.deps.qemuBinary, guestRamBytes }));
    return { summary: worstSeverity(items), items };
  }
}
