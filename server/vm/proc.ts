// Process-level helpers for detached QEMUs: launch (-daemonize), pidfiles, liveness, identity.
import { spawn } from 'node:child_process';
import fs from 'node:fs';

/** Alive and not a zombie (a daemonized QEMU is reparented; a non-reaping init would leave zombies). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/**
 * "pid:start time" of a live process (/proc/<pid>/stat field 22), null when gone: unlike a bare pid it
 * cannot be matched by an unrelated process that got the same pid later.
 */
export function processIdentity(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? null : `${pid}:${fields[19]}`;
  } catch {
    return null;
  }
}

export function readPidFile(file: string): number | null {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** The argv of a live process, from /proc/<pid>/cmdline; null when gone. */
export function processArgv(pid: number): string[] | null {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
  } catch {
    return null;
  }
}

/** Is pid the QEMU jetvm started for this VM (same -name and -pidfile), not a recycled pid? */
export function isOurQemu(pid: number, vmName: string, pidFile: string): boolean {
  const argv = processArgv(pid);
  if (!argv || !/qemu-system/.test(argv[0] ?? '')) return false;
  const after = (flag: string) => argv[argv.indexOf(flag) + 1];
  return argv.includes('-name') && after('-name') === vmName && after('-pidfile') === pidFile;
}

export async function waitForExit(pid: number, timeoutMs: number, intervalMs = 100): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (!pidAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return !pidAlive(pid);
}

export interface LaunchResult {
  code: number | null;
  stderr: string;
}

/** Runs a -daemonize argv: resolves when the foreground parent exits (sockets are up by then). */
export function launchDaemon(argv: readonly string[], timeoutMs = 60_000): Promise<LaunchResult> {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      if (stderr.length < 16_384) stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, stderr: err.message });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr: stderr.trim() });
    });
  });
}
