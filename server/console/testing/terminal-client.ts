import { WebSocket } from 'ws';
import type { ServerControl } from '../../../common/terminal-protocol';

/**
 * A WebSocket terminal client for tests and benchmarks: speaks the framing of protocol.ts to any
 * URL given a session cookie, so the same harness can measure other web terminals too.
 */
export interface TerminalClient {
  ws: WebSocket;
  /** every terminal byte received, in order (empty when connected with keep: false) */
  received(): Buffer;
  /** how many terminal bytes arrived (cheap: no copy) */
  receivedLength(): number;
  receivedText(): string;
  controls: ServerControl[];
  /** resolves once the received text contains `text` at or after byte `from` (default 0) */
  waitFor(text: string, opts?: { from?: number; timeoutMs?: number }): Promise<void>;
  waitControl(type: ServerControl['type'], timeoutMs?: number): Promise<ServerControl>;
  type(text: string): void;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

export async function connectTerminal(url: string, cookie: string, opts: { origin?: string; /** false: only count bytes (floods) */ keep?: boolean } = {}): Promise<TerminalClient> {
  const origin = opts.origin ?? new URL(url.replace(/^ws/, 'http')).origin;
  const ws = new WebSocket(url, { headers: { Cookie: cookie, Origin: origin } });
  const chunks: Buffer[] = [];
  let length = 0;
  let joined: Buffer | null = null;
  const controls: ServerControl[] = [];
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      const buf = data as Buffer;
      if (opts.keep !== false) chunks.push(buf);
      length += buf.length;
      joined = null;
    } else {
      controls.push(JSON.parse(String(data)) as ServerControl);
    }
    notify();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.once('close', (code, reason) => {
      resolve({ code, reason: String(reason) });
      notify();
    });
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
  const received = () => {
    if (opts.keep === false) return Buffer.alloc(0);
    if (!joined || joined.length !== length) joined = Buffer.concat(chunks, length);
    return joined;
  };
  const until = (done: () => boolean, what: string, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!done()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last output: ${JSON.stringify(received().subarray(-300).toString('latin1'))}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return {
    ws,
    received,
    receivedLength: () => length,
    receivedText: () => received().toString('latin1'),
    controls,
    waitFor: (text, o = {}) => until(() => received().indexOf(text, o.from ?? 0, 'latin1') >= 0, JSON.stringify(text), o.timeoutMs ?? 60_000),
    async waitControl(type, timeoutMs = 60_000) {
      await until(() => controls.some((c) => c.type === type), `control message ${type}`, timeoutMs);
      return controls.find((c) => c.type === type)!;
    },
    type: (text) => ws.send(Buffer.from(text), { binary: true }),
    closed,
    close: () => ws.close(),
  };
}
