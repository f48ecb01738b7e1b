// Autostart at dashboard start (and so at board boot with the service): VMs marked autostart, lowest
// order first, each after its delay; a VM whose checks fail (devices not on vfio-pci yet, a missing
// image) is skipped, and why goes to the audit log and to the VM page.
import { recordAudit, type Actor } from '../db/audit';
import type { Db } from '../db';
import { blocking } from './checks';
import type { Supervisor } from './supervisor';
import type { VmDefinition } from './types';

export interface AutostartOutcome {
  at: string;
  result: 'started' | 'skipped' | 'failed' | 'running';
  message: string;
}

const ENDED = new Set(['stopped', 'shutdown', 'crashed']);
const AUTOSTART: Actor = { actor: 'autostart', remote: null };

export function autostartQueue(vms: VmDefinition[]): VmDefinition[] {
  return vms.filter((v) => v.autostart?.enabled).sort((a, b) => a.autostart!.order - b.autostart!.order || a.name.localeCompare(b.name));
}

export async function runAutostart(o: { supervisor: Supervisor; db: Db; sleep?: (ms: number) => Promise<void> }): Promise<Map<string, AutostartOutcome>> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const s = o.supervisor;
  const note = (name: string, result: AutostartOutcome['result'], message: string) => {
    s.autostartOutcomes.set(name, { at: new Date().toISOString(), result, message });
  };
  for (const vm of autostartQueue(s.repo.list())) {
    if (vm.autostart!.delaySeconds) await sleep(vm.autostart!.delaySeconds * 1000);
    if (s.detached) break; // the dashboard is shutting down
    if (!ENDED.has(s.status(vm.name).state)) {
      note(vm.name, 'running', 'already running (adopted after the restart)');
      continue;
    }
    const problems = blocking(s.checks(vm.name));
    if (problems.length) {
      const message = `not started: ${problems.map((p) => p.message).join('; ')}`;
      recordAudit(o.db, { ...AUTOSTART, action: 'vm.autostart', target: vm.name, result: 'refused', detail: { checks: problems } });
      note(vm.name, 'skipped', message);
      continue;
    }
    try {
      await s.start(vm.name, AUTOSTART);
      note(vm.name, 'started', 'started at dashboard start');
    } catch (err) {
      note(vm.name, 'failed', (err as Error).message);
    }
  }
  return s.autostartOutcomes;
}
