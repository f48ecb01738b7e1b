// The load side of npm run bench:console: one client interface over the web terminals it compares, and
// the two measurements (throughput of a command's output, keystroke echo latency) written once against it.
import { WebSocket } from 'ws';
import { connectTerminal } from '../server/console/testing/terminal-client';

/** A connected web terminal, whatever its protocol: bytes typed in, terminal bytes counted out. */
export interface BenchTerminal {
  ws: WebSocket;
  /** terminal output bytes received so far (frame headers and control messages not counted) */
  receivedLength(): number;
  /** calls `listener` with the terminal bytes of every output frame (no frame header) */
  onOutput(listener: (bytes: Buffer) => void): void;
  type(text: string): void;
  close(): void;
}

/** jetvm's protocol (common/terminal-protocol.ts; the Node reference speaks it too): ready once the history is sent. */
export async function connectJetvm(url: string, cookie: string): Promise<BenchTerminal> {
  const c = await connectTerminal(url, cookie, { keep: false });
  await c.waitControl('history-end');
  const onOutput = (listener: (bytes: Buffer) => void) => c.ws.on('message', (data: Buffer, isBinary) => isBinary && listener(data));
  return { ws: c.ws, receivedLength: c.receivedLength, onOutput, type: c.type, close: c.close };
}

/**
 * ttyd's protocol (src/protocol.c of ttyd 1.7.7): WebSocket subprotocol "tty" on /ws; the client's first
 * message is JSON ({AuthToken, columns, rows}), which makes ttyd spawn the command on a new pty; then every
 * message is one command byte and its data: output '0' (also '1' title and '2' preferences), input '0'.
 */
export async function connectTtyd(url: string): Promise<BenchTerminal> {
  const ws = new WebSocket(url, ['tty']);
  let length = 0;
  ws.on('message', (data: Buffer) => {
    if (data[0] === 0x30) length += data.length - 1;
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(Buffer.from(JSON.stringify({ AuthToken: '', columns: 80, rows: 24 })));
  return {
    ws,
    receivedLength: () => length,
    onOutput: (listener) => ws.on('message', (data: Buffer) => data[0] === 0x30 && listener(data.subarray(1))),
    type: (text) => ws.send(Buffer.concat([Buffer.from('0'), Buffer.from(text)])),
    close: () => ws.close(),
  };
}

export const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

/** Waits until `done()` holds, checking on every incoming message. */
export function until(c: BenchTerminal, done: () => boolean, timeoutMs = 120_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timeout after ${timeoutMs} ms`)), timeoutMs);
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
 * Sends `command` and measures how fast its output arrives: from the send to the arrival of `marker`
 * (which must not appear in the echoed command line).
 */
export async function measureThroughput(c: BenchTerminal, command: string, marker: string): Promise<{ bytes: number; seconds: number; mbps: number }> {
  await settle(c);
  const from = c.receivedLength();
  // scan each frame with the tail of the previous one: no copying of everything received
  let tail = '';
  let seen = false;
  c.onOutput((data) => {
    if (seen) return;
    const text = tail + data.toString('latin1');
    seen = text.includes(marker);
    tail = text.slice(-marker.length);
  });
  const t0 = performance.now();
  c.type(command);
  await until(c, () => seen, 120_000);
  const seconds = (performance.now() - t0) / 1000;
  const bytes = c.receivedLength() - from;
  return { bytes, seconds, mbps: bytes / 1e6 / seconds };
}

/**
 * Types one key, waits for its echo, erases it and waits a little: a terminal that starts its bridge when a
 * viewer connects (ttyd spawns socat on a new pty, whose line discipline echoes by itself until socat makes
 * it raw) is connected after it, so what is typed next reaches the guest.
 */
async function settle(c: BenchTerminal): Promise<void> {
  await echoLoop((s) => c.type(s), () => c.receivedLength(), (f) => until(c, f), 1);
  c.type('\x15'); // Ctrl+U
  await new Promise((r) => setTimeout(r, 300));
}

/** Keys typed between the fresh and the warm samples of measureEcho, not timed. */
export const WARMUP_KEYS = 250;

/**
 * Types characters one at a time, timing each until the terminal echoes it back; clears the line after.
 * `fresh`: the first `n` keys a newly started server gets (a JIT runtime runs them in its interpreter);
 * `warm`: `n` keys after WARMUP_KEYS more, as a server that has been running a while handles them.
 */
export async function measureEcho(c: BenchTerminal, n: number): Promise<{ fresh: number[]; warm: number[] }> {
  await settle(c);
  const samples = await echoLoop((s) => c.type(s), () => c.receivedLength(), (f) => until(c, f), n + WARMUP_KEYS + n);
  c.type('\x15'); // Ctrl+U: kill the typed line
  return { fresh: samples.slice(0, n), warm: samples.slice(n + WARMUP_KEYS) };
}

export type Echo = Awaited<ReturnType<typeof measureEcho>>;

/** All rounds' fresh and warm samples together. */
export function joined(echoes: Echo[]): Echo {
  return { fresh: echoes.flatMap((e) => e.fresh), warm: echoes.flatMap((e) => e.warm) };
}

/** One result per item a round, in `rounds` rounds taken in turn (rotating who goes first), so a change in the machine's load hits every item alike. */
export async function inRounds<I, T>(items: readonly I[], rounds: number, measure: (item: I) => Promise<T>): Promise<Map<I, T[]>> {
  const out = new Map(items.map((item) => [item, [] as T[]]));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < items.length; i++) {
      const item = items[(r + i) % items.length]!;
      out.get(item)!.push(await measure(item));
    }
  }
  return out;
}

export async function echoLoop(send: (s: string) => void, received: () => number, wait: (done: () => boolean) => Promise<void>, n: number): Promise<number[]> {
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
