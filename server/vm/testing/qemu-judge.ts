// The real qemu-system-aarch64 as the judge of an argv: the properties it reports for each machine and device
// type, and a start parked with -S, answered over QMP, then quit.
import { spawnSync } from 'node:child_process';
import { launchDaemon, pidAlive, readPidFile, waitForExit } from '../proc';
import { QmpClient } from '../qmp';
import type { VmPaths } from '../paths';
import { releaseSerialWait } from '../serial-wait';

/** "head,k=v,k=v" → its parts, a doubled comma read as a literal one (QEMU's option syntax). */
export function splitOptList(s: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== ',') {
      cur += s[i];
    } else if (s[i + 1] === ',') {
      cur += ',';
      i++;
    } else {
      parts.push(cur);
      cur = '';
    }
  }
  return [...parts, cur];
}

/** Every `flag value` pair of an argv whose flag is given, the value split into head and keys. */
export function optionsOf(argv: readonly string[], flag: string): Array<{ head: string; keys: string[] }> {
  return argv.flatMap((a, i) => {
    if (a !== flag || i + 1 >= argv.length) return [];
    const [head, ...rest] = splitOptList(argv[i + 1]);
    return [{ head, keys: rest.map((kv) => kv.slice(0, kv.indexOf('=') < 0 ? kv.length : kv.indexOf('='))) }];
  });
}

const helpCache = new Map<string, Set<string>>();

/** The property names QEMU lists for `-machine virt,help` or `-device <driver>,help`. */
export function qemuProperties(binary: string, flag: '-machine' | '-device', type: string): Set<string> {
  const key = `${binary} ${flag} ${type}`;
  const cached = helpCache.get(key);
  if (cached) return cached;
  const r = spawnSync(binary, [flag, `${type},help`], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`${binary} ${flag} ${type},help failed: ${r.stderr}`);
  const props = new Set([...r.stdout.matchAll(/^\s+([\w.-]+)=</gm)].map((m) => m[1]));
  helpCache.set(key, props);
  return props;
}

/** The names QEMU lists for `-cpu help` or `-accel help`. */
export function qemuList(binary: string, flag: '-cpu' | '-accel'): string[] {
  const r = spawnSync(binary, [flag, 'help'], { encoding: 'utf8', timeout: 30_000 });
  return r.stdout.split('\n').slice(1).map((l) => l.trim().split(/\s+/)[0]).filter(Boolean);
}

/** Properties an argv sets that this QEMU does not list for that machine or device type: empty when all are known. */
export function unknownProperties(argv: readonly string[]): string[] {
  const binary = argv[0];
  const out: string[] = [];
  for (const { head, keys } of optionsOf(argv, '-machine')) {
    const known = qemuProperties(binary, '-machine', head);
    // accel= is QEMU's legacy spelling of -accel, handled before the machine's own properties
    out.push(...keys.filter((k) => k !== 'accel' && !known.has(k)).map((k) => `-machine ${head}: ${k}`));
  }
  for (const { head, keys } of optionsOf(argv, '-device')) {
    const known = qemuProperties(binary, '-device', head);
    // id= and bus= are qdev's own, on every device
    out.push(...keys.filter((k) => k !== 'id' && k !== 'bus' && !known.has(k)).map((k) => `-device ${head}: ${k}`));
  }
  return out;
}

/**
 * Starts a -daemonize argv paused (-S): QEMU has parsed every option and built the machine and its devices when
 * the foreground parent exits 0. Asks QMP for the status, then quits it. Resolves with QEMU's status.
 */
export async function startParkedAndQuit(argv: readonly string[], paths: VmPaths): Promise<string> {
  const stopReleasing = releaseSerialWait(paths.serialSocket); // the serial chardev waits for a client
  const launched = await launchDaemon([...argv, '-S'], 60_000).finally(stopReleasing);
  if (launched.code !== 0) throw new Error(`QEMU refused the argv (exit ${launched.code}): ${launched.stderr}`);
  const pid = readPidFile(paths.pidFile);
  try {
    const qmp = await QmpClient.connect(paths.qmpSocket);
    try {
      const { status } = await qmp.execute<{ status: string }>('query-status');
      await qmp.execute('quit');
      if (pid !== null && !(await waitForExit(pid, 10_000))) throw new Error(`QEMU ${pid} did not quit`);
      return status;
    } finally {
      qmp.close();
    }
  } finally {
    if (pid !== null && pidAlive(pid)) process.kill(pid, 'SIGKILL');
  }
}
