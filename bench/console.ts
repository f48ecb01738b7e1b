// npm run bench:console — the console hub's throughput and keystroke echo latency.
//   1. hub alone: a stand-in for QEMU's chardev (socket + logfile) floods N MiB; time until every
//      WebSocket viewer has all of it (1 and 4 viewers), with the process's peak RSS.
//   2. real guest: the demo guest under TCG prints ~1 MB (`yes`); time until the viewer has it.
//   3. echo latency: 200 keystrokes to the real guest's shell, each timed until its echo arrives,
//      through the hub + WebSocket, and straight on the serial socket as the baseline.
// measureThroughput / measureEcho take any terminal WebSocket URL + cookie, to compare other web terminals.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { bootDemoGuest, SHELL_PROMPT } from '../server/console/testing/demo-guest';
import { ChardevStandIn } from '../server/console/testing/chardev-standin';
import { startConsoleServer } from '../server/console/testing/console-server';
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

/** The same command straight on the serial socket: what the guest can print without the hub. */
async function directThroughput(socketPath: string, command: string, marker: string): Promise<{ bytes: number; seconds: number; mbps: number }> {
  const s = net.connect(socketPath);
  await new Promise((r) => s.once('connect', r));
  let bytes = 0;
  let tail = '';
  const t0 = performance.now();
  const done = new Promise<void>((resolve) =>
    s.on('data', (d) => {
      bytes += d.length;
      const text = tail + d.toString('latin1');
      tail = text.slice(-marker.length);
      if (text.includes(marker)) resolve();
    }),
  );
  s.write(command);
  await done;
  const seconds = (performance.now() - t0) / 1000;
  s.destroy();
  return { bytes, seconds, mbps: bytes / 1e6 / seconds };
}

async function hubFlood(dataDir: string, viewers: number): Promise<{ mbps: number; peakRssMiB: number }> {
  const vm = `flood${viewers}`;
  const paths = consolePaths(dataDir, vm);
  fs.mkdirSync(path.dirname(paths.consoleLog), { recursive: true });
  fs.mkdirSync(path.dirname(paths.serialSocket), { recursive: true });
  const chardev = await ChardevStandIn.listen(paths.serialSocket, paths.consoleLog);
  const server = await startConsoleServer(dataDir, { vms: [vm] });
  try {
    const clients = await Promise.all(Array.from({ length: viewers }, () => connectTerminal(server.wsUrl(vm), server.cookie('viewer'), { keep: false })));
    await Promise.all(clients.map((c) => c.waitControl('history-end')));
    while (!chardev.connected) await new Promise((r) => setTimeout(r, 10));
    const total = FLOOD_MIB * MiB;
    const block = Buffer.alloc(64 * 1024, 'flood output 0123456789abcdef\r\n');
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const t0 = performance.now();
    for (let sent = 0; sent < total; sent += block.length) {
      chardev.write(block);
      if (sent % (4 * MiB) === 0) await new Promise((r) => setImmediate(r)); // let the hub run, as QEMU's own thread would
    }
    await Promise.all(clients.map((c) => until(c, () => c.receivedLength() >= total, 600_000)));
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    clients.forEach((c) => c.close());
    return { mbps: (total * viewers) / 1e6 / seconds, peakRssMiB: peak / MiB };
  } finally {
    await server.close();
    await chardev.close();
  }
}

function table(rows: Array<[string, string]>): string {
  const w = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join('\n');
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-bench-console-'));
  const rows: Array<[string, string]> = [];
  try {
    const one = await hubFlood(dataDir, 1);
    rows.push([`hub alone, ${FLOOD_MIB} MiB → 1 viewer`, `${one.mbps.toFixed(0)} MB/s (peak RSS ${one.peakRssMiB.toFixed(0)} MiB)`]);
    const four = await hubFlood(dataDir, 4);
    rows.push([`hub alone, ${FLOOD_MIB} MiB → 4 viewers`, `${four.mbps.toFixed(0)} MB/s aggregate (peak RSS ${four.peakRssMiB.toFixed(0)} MiB)`]);

    const guest = await bootDemoGuest(dataDir, 'demo');
    try {
      while (!fs.existsSync(guest.consoleLog) || !fs.readFileSync(guest.consoleLog, 'latin1').includes(SHELL_PROMPT)) await new Promise((r) => setTimeout(r, 50));
      const YES = 'yes 0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz | head -n 13000; echo end-$((6*7))\r';
      const raw = await directThroughput(guest.serialSocket, YES, 'end-42');
      rows.push(['real guest (TCG) `yes`, serial socket direct', `${(raw.bytes / 1e6).toFixed(2)} MB in ${raw.seconds.toFixed(1)} s = ${raw.mbps.toFixed(3)} MB/s`]);
      const direct = await directEcho(guest.serialSocket, KEYS);
      rows.push([`echo, serial socket direct (${KEYS} keys)`, `p50 ${percentile(direct, 50).toFixed(2)} ms, p99 ${percentile(direct, 99).toFixed(2)} ms`]);
      const server = await startConsoleServer(dataDir, { vms: ['demo'] });
      try {
        const hub = server.service.hub('demo')!;
        while (hub.link.state !== 'connected') await new Promise((r) => setTimeout(r, 20));
        const echo = await measureEcho(server.wsUrl('demo'), server.cookie('admin'), KEYS);
        rows.push([`echo, hub + WebSocket (${KEYS} keys)`, `p50 ${percentile(echo, 50).toFixed(2)} ms, p99 ${percentile(echo, 99).toFixed(2)} ms`]);
        const t = await measureThroughput(server.wsUrl('demo'), server.cookie('admin'), YES, 'end-42');
        rows.push(['real guest (TCG) `yes`, hub + WebSocket', `${(t.bytes / 1e6).toFixed(2)} MB in ${t.seconds.toFixed(1)} s = ${t.mbps.toFixed(3)} MB/s (the guest's PL011 under TCG is the limit)`]);
      } finally {
        await server.close();
      }
    } finally {
      await guest.stop();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  process.stdout.write(`\nconsole benchmark (${os.cpus().length} cores, node ${process.version})\n${table(rows)}\n`);
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
