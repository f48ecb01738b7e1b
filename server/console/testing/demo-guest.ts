import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { consolePaths } from '../../vm/paths';
import { buildGuest, guestBuilt, guestPaths } from '../../vm/guest';

/**
 * Boots the project's demo guest under QEMU (TCG) with exactly the serial chardev the launcher uses
 * (unix socket server, wait=on: the guest runs once a console hub, or anything, connects), for the
 * console tests and the benchmark. A plain child process (no -daemonize) so the caller owns its lifetime.
 * consoleLog is where a hub records the output (QEMU writes no log).
 */
export interface DemoGuest {
  serialSocket: string;
  consoleLog: string;
  /** kill QEMU and wait for it to exit */
  stop(): Promise<void>;
  /** stop, then boot again on the same socket (a hub appends the new boot to the same history) */
  restart(): Promise<void>;
}

export const SHELL_PROMPT = 'root@demo:/# ';

export function demoGuestArgv(serialSocket: string, qemu = process.env.JETVM_QEMU || 'qemu-system-aarch64'): string[] {
  const guest = guestBuilt() ? guestPaths() : buildGuest();
  return [
    qemu,
    '-machine', 'virt,accel=tcg,gic-version=3',
    '-cpu', 'cortex-a72', '-smp', '1', '-m', '256',
    '-nodefaults', '-no-reboot', '-display', 'none', '-monitor', 'none',
    '-kernel', guest.kernel, '-initrd', guest.initrd, '-append', 'console=ttyAMA0',
    '-chardev', `socket,id=ser0,path=${serialSocket},server=on,wait=on`,
    '-serial', 'chardev:ser0',
  ];
}

export async function bootDemoGuest(dataDir: string, vm = 'demo'): Promise<DemoGuest> {
  const { serialSocket, consoleLog } = consolePaths(dataDir, vm);
  fs.mkdirSync(path.dirname(serialSocket), { recursive: true });
  fs.mkdirSync(path.dirname(consoleLog), { recursive: true });
  let child: ChildProcess;
  let stderr = '';
  const launch = async () => {
    fs.rmSync(serialSocket, { force: true });
    const [bin, ...args] = demoGuestArgv(serialSocket);
    child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    // QEMU binds the socket before the guest runs (wait=off), so its existence means "listening"
    for (let i = 0; !fs.existsSync(serialSocket); i++) {
      if (child.exitCode !== null) throw new Error(`qemu exited with ${child.exitCode}: ${stderr}`);
      if (i > 300) throw new Error(`qemu did not create ${serialSocket} in 15 s: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  };
  await launch();
  return {
    serialSocket,
    consoleLog,
    stop,
    async restart() {
      await stop();
      await launch();
    },
  };
}
