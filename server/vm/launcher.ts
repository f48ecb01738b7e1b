// The process side of a VM run: the run directory and its files, launching the detached QEMU and
// reading its pid, and telling whose a recorded run is. No SQL and no states here (run-store.ts,
// supervisor.ts).
import fs from 'node:fs';
import path from 'node:path';
import { DomainError } from '../errors';
import { prepareGuest } from './guest-prep';
import type { LaunchPlan } from './plan';
import type { VmPaths } from './paths';
import { isOurQemu, launchDaemon, pidAlive, processIdentity, readPidFile, waitForExit } from './proc';
import type { RunRow } from './run-store';
import { releaseSerialWait, withoutWaitNotice } from './serial-wait';
import type { VmDefinition } from './types';

/** this process, as vm_runs.owner records it */
export const SELF = processIdentity(process.pid) ?? `${process.pid}`;

/** QEMU was run and did not come up; everything the start set up has been undone. */
export class VmLaunchError extends DomainError {
  readonly kind = 'failed';
  readonly code = 'launch-failed';
  constructor(message: string) {
    super(message);
    this.name = 'VmLaunchError';
  }
}

/** Started or adopted by another jetvm process that is still alive. */
export function ownedElsewhere(row: RunRow): boolean {
  return row.owner !== null && row.owner !== SELF && processIdentity(Number.parseInt(row.owner, 10)) === row.owner;
}

/** pid is alive and is this VM's QEMU (its -name and -pidfile). */
function isLiveQemu(pid: number, vm: string, paths: VmPaths): boolean {
  return pidAlive(pid) && isOurQemu(pid, vm, paths.pidFile);
}

/** The live QEMU of this VM per its pidfile, or null. */
export function qemuOf(paths: VmPaths, vm: string, fallbackPid: number | null = null): number | null {
  const pid = readPidFile(paths.pidFile) ?? fallbackPid;
  return pid && isLiveQemu(pid, vm, paths) ? pid : null;
}

/** A run row stands while its QEMU lives, or while another jetvm process that is still alive starts or watches it. */
export function runIsLive(row: RunRow, paths: VmPaths): boolean {
  return (row.pid !== null && isLiveQemu(row.pid, row.vm, paths)) || ownedElsewhere(row);
}

export function signal(pid: number, sig: NodeJS.Signals): void {
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

/**
 * Runs the plan's -daemonize argv in a fresh run directory. The serial chardev is wait=on: somebody must
 * connect before the guest runs (and QEMU daemonizes) — onLaunching (the console hub), or else we do.
 */
export async function launchQemu(vm: VmDefinition, plan: LaunchPlan, paths: VmPaths, onLaunching?: (vm: string) => void): Promise<{ pid: number; stderr: string }> {
  prepareRunDir(paths, plan);
  prepareGuest(vm, paths);
  const stopReleasing = onLaunching ? (onLaunching(vm.name), undefined) : releaseSerialWait(paths.serialSocket);
  const launched = await launchDaemon(plan.run.argv).finally(() => stopReleasing?.());
  const stderr = withoutWaitNotice(launched.stderr);
  const pid = readPidFile(paths.pidFile);
  if (launched.code !== 0 || !pid) throw new VmLaunchError(`QEMU did not start (exit ${launched.code}): ${stderr || 'no message'}`);
  return { pid, stderr };
}

/** After a failed launch: a QEMU that came up anyway is killed, and the run directory goes. */
export async function discardRun(paths: VmPaths, vm: string): Promise<void> {
  const pid = qemuOf(paths, vm);
  if (pid) {
    signal(pid, 'SIGKILL');
    await waitForExit(pid, 3000);
  }
  fs.rmSync(paths.runDir, { recursive: true, force: true });
}

/** After an exit: the sockets, the pidfile and the stand-ins' scratch images go; the console log stays. */
export function cleanRunDir(paths: VmPaths): void {
  for (const f of [paths.pidFile, paths.qmpSocket, paths.serialSocket]) fs.rmSync(f, { force: true });
  for (const f of fs.existsSync(paths.runDir) ? fs.readdirSync(paths.runDir) : []) {
    if (f.startsWith('sim-') && f.endsWith('.img')) fs.rmSync(path.join(paths.runDir, f), { force: true });
  }
}
