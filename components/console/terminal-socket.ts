// The browser side of the terminal WebSocket (framing in common/terminal-protocol.ts), without React:
// connects, feeds the terminal, reconnects with backoff, and on every (re)connect resets the terminal
// because the server replays the history: nothing is shown twice.
import type { Terminal } from '@xterm/xterm';
import { FINAL_CLOSE_CODES, type ServerControl } from '@/common/terminal-protocol';

export type Phase = 'connecting' | 'history' | 'live' | 'reconnecting' | 'closed';

export interface SocketState {
  phase: Phase;
  readOnly: boolean;
  /** the far end: the serial socket of the VM, or the shell */
  link: 'connected' | 'disconnected' | 'unknown';
  /** why the link is down, why we are reconnecting or closed, or the last error from the server */
  detail: string | null;
  /** the shell's exit code once it exited */
  exitCode: number | null;
  /** set while the console history is not being written (disk full): live output still flows */
  notRecording: string | null;
}

export const initialSocketState: SocketState = { phase: 'connecting', readOnly: false, link: 'unknown', detail: null, exitCode: null, notRecording: null };

const MiB = 1024 * 1024;
/** how often a reconnecting terminal asks whether the server is back */
const HEALTH_PROBE_MS = 1_000;
// answers the terminal itself generates (cursor position / device attributes reports)
const TERMINAL_REPORT = /^(\x1b\[\d+;\d+R|\x1b\[[?>][\d;]*c)+$/;

export class TerminalSocket {
  private ws: WebSocket | null = null;
  private state: SocketState = initialSocketState;
  private retry = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;
  private lastKeystroke = 0;
  private readonly encoder = new TextEncoder();

  constructor(
    private readonly path: string,
    private readonly term: Terminal,
    private readonly onState: (s: SocketState) => void,
  ) {
    this.connect();
  }

  /** Keystrokes and pastes from xterm's onData. */
  sendInput(data: string): void {
    if (this.state.readOnly || this.ws?.readyState !== WebSocket.OPEN) return;
    if (TERMINAL_REPORT.test(data)) {
      // every open terminal answers the guest's cursor-position query; only the one typing may,
      // or the guest would read one answer per watching admin as input
      if (Date.now() - this.lastKeystroke > 5_000) return;
    } else {
      this.lastKeystroke = Date.now();
    }
    this.ws.send(this.encoder.encode(data));
  }

  resize(cols: number, rows: number): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ type: 'resize', cols, rows }));
  }

  /** Connect again now (the "Reconnect" / "Start a new shell" button). */
  reconnectNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.retry = 0;
    this.ws?.close();
    this.connect();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.ws?.close();
  }

  private set(patch: Partial<SocketState>): void {
    this.state = { ...this.state, ...patch };
    this.onState(this.state);
  }

  private connect(): void {
    if (this.disposed) return;
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${proto}//${location.host}${this.path}`);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    this.set({ phase: this.state.phase === 'reconnecting' ? 'reconnecting' : 'connecting', exitCode: null });
    ws.onopen = () => {
      this.retry = 0;
      this.term.reset();
      this.set({ phase: 'history', detail: null, notRecording: null });
    };
    ws.onmessage = (ev) => {
      if (ws !== this.ws) return;
      if (typeof ev.data !== 'string') return this.term.write(new Uint8Array(ev.data as ArrayBuffer));
      this.control(JSON.parse(ev.data) as ServerControl);
    };
    ws.onclose = (ev) => {
      if (ws !== this.ws || this.disposed) return;
      this.ws = null;
      const reason = ev.reason || (ev.code === 1006 ? 'connection lost' : `closed (${ev.code})`);
      if (FINAL_CLOSE_CODES.has(ev.code) || this.state.exitCode !== null) {
        this.set({ phase: 'closed', link: 'disconnected', detail: reason });
        return;
      }
      const delay = Math.min(1000 * 2 ** this.retry++, 10_000);
      this.set({ phase: 'reconnecting', detail: `${reason}; reconnecting in ${Math.round(delay / 1000)} s` });
      this.timer = setTimeout(() => {
        this.timer = null;
        this.connect();
      }, delay);
      if (delay > HEALTH_PROBE_MS) this.probeUntilBack();
    };
  }

  /** While waiting out the backoff, asks the server every second whether it is back (a restart): if so, reconnects at once. */
  private probeUntilBack(): void {
    const probe = () => {
      if (this.disposed || this.timer === null || this.ws) return;
      fetch('/', { method: 'HEAD', cache: 'no-store', redirect: 'manual' }).then(
        () => {
          if (this.timer === null || this.ws || this.disposed) return;
          clearTimeout(this.timer);
          this.timer = null;
          this.retry = 0;
          this.connect();
        },
        () => setTimeout(probe, HEALTH_PROBE_MS),
      );
    };
    setTimeout(probe, HEALTH_PROBE_MS);
  }

  private control(msg: ServerControl): void {
    switch (msg.type) {
      case 'status':
        return this.set({ readOnly: msg.readOnly, link: msg.link === 'connected' ? 'connected' : 'disconnected', detail: msg.detail ?? null });
      case 'history-truncated':
        this.term.write(
          `\x1b[2m[${(msg.skippedBytes / MiB).toFixed(1)} MiB of earlier output not shown (the log has ${(msg.logBytes / MiB).toFixed(1)} MiB): use "Download log" for all of it]\x1b[0m\r\n`,
        );
        return;
      case 'recording':
        return this.set({ notRecording: msg.ok ? null : (msg.message ?? 'console history not being recorded') });
      case 'history-end':
        return this.set({ phase: 'live' });
      case 'exit':
        this.term.write(`\r\n\x1b[2m[shell exited with code ${msg.exitCode}]\x1b[0m\r\n`);
        return this.set({ exitCode: msg.exitCode });
      case 'error':
        return this.set({ detail: msg.message });
    }
  }
}
