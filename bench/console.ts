// npm run bench:console — jetvm's console beside ttyd 1.7.7 (the reference; bench/ttyd.sh builds it) and a
// bare Node relay (bench/reference-terminal.ts), in one run, each server in a process of its own:
//   1. flood: a stand-in for QEMU's chardev (a unix socket, write-all) floods N MiB; time until every
//      WebSocket viewer has all of it (1 and 4 viewers), and the server process's peak RSS meanwhile. ttyd opens one
//      socket connection per viewer (socat on a pty), so there the stand-in writes every byte to each.
//   2. echo latency: 200 keystrokes, each timed until its echo arrives (the first keys a fresh server gets, and as many
//      after WARMUP_KEYS more: a JIT runtime warms up), to the stand-in echoing them (the
//      server's path alone) and to the real demo guest's shell (also straight on its serial socket: the floor);
//      taken in rounds, the servers in turn, so a change in the machine's load hits each alike.
//   3. real guest: the guest under TCG prints ~310 KB (`yes`); time until the viewer has it (median of ROUNDS, in turn).
// Without a ttyd build it says how to make one and compares with the Node relay alone.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { bootDemoGuest, SHELL_PROMPT } from '../server/console/testing/demo-guest';
import { consolePaths } from '../server/vm/paths';
import { echoLoop, inRounds, joined, measureEcho, measureThroughput, percentile, until, WARMUP_KEYS, type BenchTerminal, type Echo } from './console-clients';
import { LABEL, startServer, ttydBinary, type Kind, type Variant } from './console-servers';
import { standInClients, withStandIn } from './stand-in';

const MiB = 1024 * 1024;
const KEYS = Number(process.env.BENCH_KEYS || 200);
const FLOOD_MIB = Number(process.env.BENCH_FLOOD_MIB || 256);
const ROUNDS = 4;
/** each server's keys a round: KEYS in all over ROUNDS rounds */
const ROUND_KEYS = Math.ceil(KEYS / ROUNDS);

interface Flood {
  mbps: number;
  peakRssMiB: number;
}

async function flood(kind: Kind, dataDir: string, viewers: number): Promise<Flood> {
  const vm = `flood-${kind}-${viewers}`;
  const clients = standInClients(kind);
  return withStandIn(dataDir, vm, { clients }, async (chardev, socket) => {
    const server = await startServer(kind, dataDir, vm, socket);
    try {
      const terminals = await Promise.all(Array.from({ length: viewers }, () => server.connect()));
      while (chardev.clientCount < (clients === 'many' ? viewers : 1)) await new Promise((r) => setTimeout(r, 10));
      server.resetPeak();
      const total = FLOOD_MIB * MiB;
      const block = Buffer.alloc(64 * 1024, 'flood output 0123456789abcdef\r\n');
      const t0 = performance.now();
      for (let sent = 0; sent < total; sent += block.length) await chardev.write(block);
      await Promise.all(terminals.map((c) => until(c, () => c.receivedLength() >= total, 600_000)));
      const seconds = (performance.now() - t0) / 1000;
      const peakRssMiB = server.peakRssMiB();
      terminals.forEach((c) => c.close());
      return { mbps: (total * viewers) / 1e6 / seconds, peakRssMiB };
    } finally {
      await server.stop();
    }
  });
}

const YES = 'yes 0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz | head -n 4000; echo end-$((6*7))\r';

/** The demo guest booted to its shell prompt as VM "demo", with its boot in jetvm's console history. */
export async function bootGuestToPrompt(dataDir: string): Promise<Awaited<ReturnType<typeof bootDemoGuest>>> {
  const guest = await bootDemoGuest(dataDir, 'demo');
  // jetvm's hub releases the waiting QEMU and records the boot; the prompt shows in its history
  const first = await startServer('jetvm', dataDir, 'demo', guest.serialSocket);
  const log = consolePaths(dataDir, 'demo').consoleLog;
  while (!fs.existsSync(log) || !fs.readFileSync(log, 'latin1').includes(SHELL_PROMPT)) await new Promise((r) => setTimeout(r, 50));
  await first.stop();
  return guest;
}

/** One connection to a fresh server process: what `measure` returns. */
export async function withTerminal<T>(kind: Kind, dataDir: string, vm: string, serialSocket: string, measure: (c: BenchTerminal) => Promise<T>, variant?: Variant): Promise<T> {
  const server = await startServer(kind, dataDir, vm, serialSocket, variant);
  try {
    const c = await server.connect();
    const result = await measure(c);
    c.close();
    return result;
  } finally {
    await server.stop();
  }
}

/** Keystroke echo with the stand-in echoing each byte at once: the server's path alone, without the guest. */
async function standInEcho(kind: Kind, dataDir: string, keys: number): Promise<Echo> {
  const vm = `echo-${kind}`;
  return withStandIn(dataDir, vm, { clients: standInClients(kind), echo: true }, (_, socket) => withTerminal(kind, dataDir, vm, socket, (c) => measureEcho(c, keys)));
}

/** Echo latency straight on QEMU's serial socket (no server, no WebSocket): the floor. */
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

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

interface Result {
  f1: Flood;
  f4: Flood;
  standInEcho: Echo;
  echo: Echo;
  yes: number[];
}

async function main() {
  const haveTtyd = ttydBinary() !== null;
  if (!haveTtyd) process.stderr.write('ttyd is not built, so the reference is the Node relay. To build ttyd 1.7.7: bash bench/ttyd.sh (clones it), or TTYD_SRC=<ttyd checkout> bash bench/ttyd.sh\n');
  const kinds: Kind[] = haveTtyd ? ['jetvm', 'ttyd', 'node'] : ['jetvm', 'node'];
  const ref: Kind = haveTtyd ? 'ttyd' : 'node';
  const load = execFileSync('uptime', { encoding: 'utf8' }).trim();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-bench-console-'));
  const results = {} as Record<Kind, Result>;
  let direct: number[] = [];
  try {
    const floods = {} as Record<Kind, Flood[]>;
    for (const kind of kinds) {
      floods[kind] = [await flood(kind, dataDir, 1), await flood(kind, dataDir, 4)];
      process.stderr.write(`${kind}: floods done\n`);
    }
    const standIn = await inRounds(kinds, ROUNDS, (kind) => standInEcho(kind, dataDir, ROUND_KEYS));
    process.stderr.write('echo on the stand-in done\n');
    const guest = await bootGuestToPrompt(dataDir);
    try {
      const echo = await inRounds(kinds, ROUNDS, (kind) => withTerminal(kind, dataDir, 'demo', guest.serialSocket, (c) => measureEcho(c, ROUND_KEYS)));
      process.stderr.write('echo on the guest done\n');
      const yes = await inRounds(kinds, ROUNDS, async (kind) => (await withTerminal(kind, dataDir, 'demo', guest.serialSocket, (c) => measureThroughput(c, YES, 'end-42'))).mbps);
      for (const kind of kinds) results[kind] = { f1: floods[kind][0]!, f4: floods[kind][1]!, standInEcho: joined(standIn.get(kind)!), echo: joined(echo.get(kind)!), yes: yes.get(kind)! };
      direct = await directEcho(guest.serialSocket, KEYS);
    } finally {
      await guest.stop();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const p = (xs: number[], q: number) => percentile(xs, q).toFixed(2);
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
  const row = (label: string, value: (r: Result) => number, digits = 0) => [
    label,
    ...kinds.map((k) => value(results[k]).toFixed(digits)),
    ratio(value(results.jetvm), value(results[ref])),
  ];
  const rows = [
    ['', ...kinds.map((k) => LABEL[k]), `jetvm/${LABEL[ref]}`],
    row(`flood ${FLOOD_MIB} MiB → 1 viewer, MB/s`, (r) => r.f1.mbps),
    row(`flood ${FLOOD_MIB} MiB → 4 viewers, MB/s (aggregate)`, (r) => r.f4.mbps),
    row('server peak RSS, 1-viewer flood, MiB', (r) => r.f1.peakRssMiB),
    row('server peak RSS, 4-viewer flood, MiB', (r) => r.f4.peakRssMiB),
    row(`echo p50, ms, stand-in echoing (${KEYS} keys), fresh server`, (r) => percentile(r.standInEcho.fresh, 50), 2),
    row('echo p99, ms, stand-in echoing, fresh server', (r) => percentile(r.standInEcho.fresh, 99), 2),
    row(`echo p50, ms, stand-in echoing, warm server (after ${WARMUP_KEYS} keys)`, (r) => percentile(r.standInEcho.warm, 50), 2),
    row('echo p99, ms, stand-in echoing, warm server', (r) => percentile(r.standInEcho.warm, 99), 2),
    row(`echo p50, ms, real guest, fresh server (socket direct ${p(direct, 50)})`, (r) => percentile(r.echo.fresh, 50), 2),
    row(`echo p99, ms, real guest, fresh server (socket direct ${p(direct, 99)})`, (r) => percentile(r.echo.fresh, 99), 2),
    row(`echo p50, ms, real guest, warm server (after ${WARMUP_KEYS} keys)`, (r) => percentile(r.echo.warm, 50), 2),
    row('echo p99, ms, real guest, warm server', (r) => percentile(r.echo.warm, 99), 2),
    row(`real guest (TCG) \`yes\` 310 KB, median of ${ROUNDS}, MB/s`, (r) => percentile(r.yes, 50), 3),
  ];
  process.stdout.write(`\nconsole benchmark (${os.cpus().length} cores, node ${process.version}; ${load})\n${table(rows)}\n`);
  if (haveTtyd) process.stdout.write('ttyd: its own process only (not the socat it runs per viewer); the Node relay: a bare socket-to-WebSocket relay with flow control\n');
  process.stdout.write(`targets (against ttyd 1.7.7): echo p50 <= 1.00x, p99 <= 1.50x, flood throughput >= 2.00x${haveTtyd ? '' : '; ttyd is not built, so the ratios above are against the Node relay'}\n`);
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
