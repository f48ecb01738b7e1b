// Ending a watched QEMU, gentlest first: the power button (system_powerdown) and timeoutMs for the guest
// to power down, then QMP quit (or SIGTERM without QMP), then SIGKILL. Every QMP command has a timeout,
// so a hung QEMU that takes commands and never answers is still ended, and the stop says so.
import { waitForExit } from './proc';
import { signal } from './launcher';
import type { WatchedQemu } from './watch';

export interface StopOutcome {
  how: 'powerdown' | 'quit' | 'kill';
  /** QMP commands that failed or went unanswered, in plain words */
  qmpErrors: string[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** exited: resolves once the exit is fully handled. Resolves when QEMU is gone, or after SIGKILL and a grace. */
export async function endQemu(watch: WatchedQemu, exited: Promise<unknown>, o: { graceful: boolean; timeoutMs: number }): Promise<StopOutcome> {
  const qmpErrors: string[] = [];
  const qmpCommand = async (command: string) => {
    try {
      await watch.qmp!.execute(command);
    } catch (err) {
      qmpErrors.push((err as Error).message);
    }
  };
  const exitedWithin = (ms: number) => Promise.race([exited.then(() => true), sleep(ms).then(() => false)]);
  let how: StopOutcome['how'] = 'quit';
  if (o.graceful) {
    how = 'powerdown';
    if (watch.qmp) await qmpCommand('system_powerdown');
    else signal(watch.pid, 'SIGTERM');
  }
  if (!o.graceful || !(await exitedWithin(o.timeoutMs))) {
    how = 'quit';
    if (watch.qmp) await qmpCommand('quit');
    else signal(watch.pid, 'SIGTERM');
    if (!(await waitForExit(watch.pid, 3000))) {
      how = 'kill';
      signal(watch.pid, 'SIGKILL');
      await waitForExit(watch.pid, 3000);
    }
  }
  await exitedWithin(3000);
  return { how, qmpErrors };
}
