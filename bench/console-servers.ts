// The servers npm run bench:console compares, each in a process of its own so its memory is its own:
// jetvm's console (hub + WebSocket route) and the Node reference relay run in bench/console-server-child.ts,
// compiled and run as npm start runs the server (esbuild, scripts/start.sh's V8 flags);
// ttyd 1.7.7 (built by bench/ttyd.sh) runs socat on a pty per viewer, bridged to the same serial socket.
import { spawn, type ChildProcess } from 'node:child_process';
import { buildSync } from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectJetvm, connectTtyd, type BenchTerminal } from './console-clients';

export type Kind = 'jetvm' | 'ttyd' | 'node';

export const LABEL: Record<Kind, string> = { jetvm: 'jetvm', ttyd: 'ttyd 1.7.7', node: 'Node relay' };

export interface ServerProc {
  /** the server's process id (its CPU time and memory are read from /proc) */
  pid: number;
  connect(): Promise<BenchTerminal>;
  /** the server process's peak resident set (VmHWM) since it started or since resetPeak(), MiB */
  peakRssMiB(): number;
  /** starts the peak over from the current resident set (what start-up took, e.g. hashing the users' passwords, is not the flood's) */
  resetPeak(): void;
  stop(): Promise<void>;
}

/** ttyd's binary: JETVM_TTYD, else where bench/ttyd.sh builds it; null when it is not there. */
export function ttydBinary(): string | null {
  const bin = process.env.JETVM_TTYD || path.join(process.env.JETVM_TTYD_CACHE || path.join(os.homedir(), '.cache/jetvm/ttyd'), 'ttyd');
  return fs.existsSync(bin) ? bin : null;
}

const repo = path.resolve(import.meta.dirname, '..');
const built = new Set<string>();

/** A Node server built otherwise than npm start runs it, for bench/console-ab.ts. */
export interface Variant {
  /** node's V8 flags instead of scripts/start.sh's */
  nodeFlags?: string[];
  /** the project checkout whose bench/console-server-child.ts (and so whose server code) runs, default this one */
  source?: string;
}

/** start.sh's V8 flags (what npm start gives node) */
export function startFlags(): string[] {
  const flags = /^exec "\$\{NODE:-node\}" (.*) dist\/server\/main\.js/m.exec(fs.readFileSync(path.join(repo, 'scripts/start.sh'), 'utf8'));
  if (!flags) throw new Error("scripts/start.sh: its node line (exec \"$NODE\" <flags> dist/server/main.js) was not found");
  return flags[1]!.split(' ');
}

/** node's arguments for the child: start.sh's V8 flags and the child bundled like dist/server/main.js (once a run per source). */
function childArgv(variant: Variant): string[] {
  const source = path.resolve(variant.source ?? repo);
  // bundled next to this checkout's node_modules, whichever source it comes from
  const outfile = source === repo ? path.join(repo, 'dist/bench/console-server-child.js') : path.join(repo, 'dist/bench', `console-server-child-${source.replace(/[^A-Za-z0-9]+/g, '_')}.js`);
  if (!built.has(outfile)) {
    buildSync({ entryPoints: [path.join(source, 'bench/console-server-child.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', target: 'node20', outfile, logLevel: 'warning' });
    built.add(outfile);
  }
  // JETVM_BENCH_PROFILE=<dir>: each Node server writes a CPU profile there when it stops (node --cpu-prof);
  // JETVM_BENCH_NODE_FLAGS: node flags to try beside start.sh's (e.g. "--always-sparkplug")
  const profile = process.env.JETVM_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.JETVM_BENCH_PROFILE}`, '--cpu-prof-interval=100'] : [];
  const extra = process.env.JETVM_BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
  return [...(variant.nodeFlags ?? startFlags()), ...extra, ...profile, outfile];
}

export async function startServer(kind: Kind, dataDir: string, vm: string, serialSocket: string, variant: Variant = {}): Promise<ServerProc> {
  if (kind === 'ttyd') return startTtyd(serialSocket);
  const child = spawn(process.execPath, [...childArgv(variant), kind, dataDir, vm], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } });
  const line = await firstMatch(child, child.stdout!, /^(.*)\n/);
  const { url, cookie } = JSON.parse(line) as { url: string; cookie: string };
  return { connect: () => connectJetvm(url, cookie), ...processOf(child) };
}

async function startTtyd(serialSocket: string): Promise<ServerProc> {
  const bin = ttydBinary();
  if (!bin) throw new Error('ttyd is not built: TTYD_SRC=<ttyd source> bash bench/ttyd.sh');
  // -W: writable; -p 0: a free port (printed); socat puts the pty in raw mode so bytes pass unchanged
  const child = spawn(bin, ['-W', '-i', 'lo', '-p', '0', 'socat', '-b', '65536', 'STDIO,rawer', `UNIX-CONNECT:${serialSocket}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  const port = await firstMatch(child, child.stderr!, /Listening on port: (\d+)/);
  child.stderr!.resume();
  const url = `ws://127.0.0.1:${port}/ws`;
  return { connect: () => connectTtyd(url), ...processOf(child) };
}

function firstMatch(child: ChildProcess, stream: NodeJS.ReadableStream, re: RegExp): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d;
      const m = re.exec(out);
      if (!m) return;
      stream.off('data', onData);
      resolve(m[1]!);
    };
    stream.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${child.spawnfile} exited with ${code}: ${out.slice(-500)}`)));
  });
}

function processOf(child: ChildProcess): Pick<ServerProc, 'pid' | 'peakRssMiB' | 'resetPeak' | 'stop'> {
  return {
    pid: child.pid!,
    resetPeak: () => fs.writeFileSync(`/proc/${child.pid}/clear_refs`, '5'),
    peakRssMiB: () => Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(kill);
    },
  };
}
