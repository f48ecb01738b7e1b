// npm run bench:console — jetvm's console beside a reference web terminal, in one run:
//   1. flood: a stand-in for QEMU's chardev (a unix socket, write-all) floods N MiB; time until every
//      WebSocket viewer has all of it (1 and 4 viewers), and the server process's peak RSS.
//   2. real guest: the demo guest under TCG prints ~1 MB (`yes`); time until the viewer has it.
//   3. echo latency: 200 keystrokes to the real guest's shell, each timed until its echo arrives;
//      also straight on the serial socket (the floor).
// Each server runs in a process of its own (bench/console-server-child.ts) so its memory is its own.
// The reference is bench/reference-terminal.ts (a bare socket ↔ WebSocket relay with flow control):
// ttyd cannot be built from Debian 12 or npm packages, see docs/console.md.
// measureThroughput / measureEcho take any terminal WebSocket URL + cookie, to compare other web terminals.

import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { bootDemoGuest, SHELL_PROMPT } from '../server/console/testing/demo-guest';
import { ChardevStandIn } from '../server/console/testing/chardev-standin';
import { connectTerminal, type TerminalClient } from '../server/console/testing/terminal-client';
import { consolePaths } from '../server/vm/paths';

const MiB = 1024 * 1024;
const KEYS = Number(process.env.BENCH_KEYS || 200);
const FLOOD_MIB = Number(process.env.BENCH_FLOOD_MIB || 256);

export const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

/** Waits until `done()` holds, checking on every incoming frame. */
function until(c: TerminalClient, done: () => boolean, timeoutMs = 120_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
    const check = () => {
      if (!done()) return;
      clearTimeout(timer);
      c.ws.off('message', check);
      resolve();
    };
    c.ws.on('message', check);
    check();
  });
}

/**
 * Sends `command` on a terminal WebSocket and measures how fast its output arrives: from the send to
 * the arrival of `marker` (which must not appear in the echoed command line).
 */
export async function measureThroughput(wsUrl: string, cookie: string, command: string, marker: string): Promise<{ bytes: number; seconds: number; mbps: number }> {
  const c = await connectTerminal(wsUrl, cookie, { keep: false });
  await c.waitControl('history-end');
  const from = c.receivedLength();
  // scan each frame with the tail of the previous one: no copying of everything received
  let tail = '';
  let seen = false;
  c.ws.on('message', (data, isBinary) => {
    if (!isBinary || seen) return;
    const text = tail + (data as Buffer).toString('latin1');
    seen = text.includes(marker);
    tail = text.slice(-marker.length);
  });
  const t0 = performance.now();
  c.type(command);
  await until(c, () => seen, 600_000);
  const seconds = (performance.now() - t0) / 1000;
  const bytes = c.receivedLength() - from;
  c.close();
  return { bytes, seconds, mbps: bytes / 1e6 / seconds };
}

/** Types `n` characters one at a time, timing each until the terminal echoes it back; clears the line after. */
export async function measureEcho(wsUrl: string, cookie: string, n = KEYS): Promise<number[]> {
  const c = await connectTerminal(wsUrl, cookie);
  await c.waitControl('history-end');
  const samples = await echoLoop((s) => c.type(s), () => c.receivedLength(), (f) => until(c, f), n);
  c.type('\x15'); // Ctrl+U: kill the typed line
  c.close();
  return samples;
}

async function echoLoop(send: (s: string) => void, received: () => number, wait: (done: () => boolean) => Promise<void>, n: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 60 === 59) {
      send('\x15'); // keep the line short: a wrapped line echoes redraws, not single bytes
      await new Promise((r) => setTimeout(r, 100));
    }
    const before = received();
    const t0 = performance.now();
    send('x');
    await wait(() => received() > before);
    samples.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 5));
  }
  return samples;
}

/** Echo latency straight on QEMU's serial socket (no hub, no WebSocket): the floor. */
async function directEcho(socketPath: string, n: number): Promise<number[]> {
  const s = net.connect(socketPath);
  await new Promise((r) => s.once('connect', r));
  let got = 0;
  const waiters = new Set<() => void>();
  s.on('data', (d) => {
    got += d.length;
    waiters.forEach((w) => w());
  });
  const wait = (done: () => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => done() && (waiters.delete(check), resolve());
      waiters.add(check);
      check();
    });
  const samples = await echoLoop((x) => s.write(x), () => got, wait, n);
  s.write('\x15');
  s.destroy();
  return samples;
}

type Kind = 'jetvm' | 'reference';

interface ServerProc {
  url: string;
  cookie: string;
  /** the process's peak resident set (VmHWM), MiB */
  peakRssMiB(): number;
  stop(): Promise<void>;
}

async function startServer(kind: Kind, dataDir: string, vm: string): Promise<ServerProc> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'console-server-child.ts'), kind, dataDir, vm], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  const { url, cookie } = JSON.parse(line) as { url: string; cookie: string };
  return {
    url,
    cookie,
    peakRssMiB: () => Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function flood(kind: Kind, dataDir: string, viewers: number): Promise<{ mbps: number; peakRssMiB: number }> {
  const vm = `flood-${kind}-${viewers}`;
  const paths = consolePaths(dataDir, vm);
  fs.mkdirSync(path.dirname(paths.serialSocket), { recursive: true });
  const chardev = await ChardevStandIn.listen(paths.serialSocket);
  const server = await startServer(kind, dataDir, vm);
  try {
    const clients = await Promise.all(Array.from({ length: viewers }, () => connectTerminal(server.url, server.cookie, { keep: false })));
    await Promise.all(clients.map((c) => c.waitControl('history-end')));
    const total = FLOOD_MIB * MiB;
    const block = Buffer.alloc(64 * 1024, 'flood output 0123456789abcdef\r\n');
    const t0 = performance.now();
    for (let sent = 0; sent < total; sent += block.length) await chardev.write(block);
    await Promise.all(clients.map((c) => until(c, () => c.receivedLength() >= total, 600_000)));
    const seconds = (performance.now() - t0) / 1000;
    const peakRssMiB = server.peakRssMiB();
    clients.forEach((c) => c.close());
    return { mbps: (total * viewers) / 1e6 / seconds, peakRssMiB };
  } finally {
    await server.stop();
    await chardev.close();
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

const YES = 'yes 0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz | head -n 13000; echo end-$((6*7))\r';

async function guestRuns(kind: Kind, dataDir: string): Promise<{ echo: number[]; yes: { mbps: number } }> {
  const server = await startServer(kind, dataDir, 'demo');
  try {
    const echo = await measureEcho(server.url, server.cookie, KEYS);
    const yes = await measureThroughput(server.url, server.cookie, YES, 'end-42');
    return { echo, yes };
  } finally {
    await server.stop();
  }
}

async function main() {
  const load = execFileSync('uptime', { encoding: 'utf8' }).trim();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-bench-console-'));
  const results: Record<Kind, { f1: { mbps: number; peakRssMiB: number }; f4: { mbps: number; peakRssMiB: number }; echo: number[]; yes: { mbps: number } }> = {} as never;
  let direct: number[] = [];
  try {
    const floods: Record<Kind, Array<{ mbps: number; peakRssMiB: number }>> = { jetvm: [], reference: [] };
    for (const kind of ['jetvm', 'reference'] as const) {
      floods[kind].push(await flood(kind, dataDir, 1), await flood(kind, dataDir, 4));
      process.stderr.write(`${kind}: floods done\n`);
    }
    const guest = await bootDemoGuest(dataDir, 'demo');
    try {
      // jetvm's hub releases the waiting QEMU and records the boot; the prompt shows in its history
      const first = await startServer('jetvm', dataDir, 'demo');
      const log = consolePaths(dataDir, 'demo').consoleLog;
      while (!fs.existsSync(log) || !fs.readFileSync(log, 'latin1').includes(SHELL_PROMPT)) await new Promise((r) => setTimeout(r, 50));
      await first.stop();
      for (const kind of ['jetvm', 'reference'] as const) {
        const g = await guestRuns(kind, dataDir);
        results[kind] = { f1: floods[kind][0]!, f4: floods[kind][1]!, ...g };
        process.stderr.write(`${kind}: guest runs done\n`);
      }
      direct = await directEcho(guest.serialSocket, KEYS);
    } finally {
      await guest.stop();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const j = results.jetvm;
  const r = results.reference;
  const p = (xs: number[], q: number) => percentile(xs, q).toFixed(2);
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
  const rows = [
    ['', 'jetvm', 'reference', 'jetvm/reference'],
    [`flood ${FLOOD_MIB} MiB → 1 viewer, MB/s`, j.f1.mbps.toFixed(0), r.f1.mbps.toFixed(0), ratio(j.f1.mbps, r.f1.mbps)],
    [`flood ${FLOOD_MIB} MiB → 4 viewers, MB/s (aggregate)`, j.f4.mbps.toFixed(0), r.f4.mbps.toFixed(0), ratio(j.f4.mbps, r.f4.mbps)],
    ['server peak RSS, 1-viewer flood, MiB', j.f1.peakRssMiB.toFixed(0), r.f1.peakRssMiB.toFixed(0), ratio(j.f1.peakRssMiB, r.f1.peakRssMiB)],
    ['server peak RSS, 4-viewer flood, MiB', j.f4.peakRssMiB.toFixed(0), r.f4.peakRssMiB.toFixed(0), ratio(j.f4.peakRssMiB, r.f4.peakRssMiB)],
    [`echo p50, ms (${KEYS} keys; socket direct ${p(direct, 50)})`, p(j.echo, 50), p(r.echo, 50), ratio(percentile(j.echo, 50), percentile(r.echo, 50))],
    [`echo p99, ms (socket direct ${p(direct, 99)})`, p(j.echo, 99), p(r.echo, 99), ratio(percentile(j.echo, 99), percentile(r.echo, 99))],
    ['real guest (TCG) `yes` ~1 MB, MB/s', j.yes.mbps.toFixed(3), r.yes.mbps.toFixed(3), ratio(j.yes.mbps, r.yes.mbps)],
  ];
  process.stdout.write(`\nconsole benchmark (${os.cpus().length} cores, node ${process.version}; ${load})\n${table(rows)}\n`);
  process.stdout.write('targets: echo p50 <= reference, p99 <= 1.5x reference, flood throughput >= 2x reference\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
