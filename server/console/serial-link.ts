import { EventEmitter } from 'node:events';
import net from 'node:net';

const EXPECT_RETRY_MS = 5;

export type LinkState = 'connecting' | 'connected' | 'disconnected';

export interface SerialLinkOptions {
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * The hub's connection to QEMU's serial chardev socket (server=on,wait=on): the guest's output
 * comes in, typed input goes out. Reconnects with exponential backoff whenever the socket is
 * missing, refused or dropped (VM stopped, restarted, or the dashboard started before it); while a
 * VM is being launched (expect()) it retries every few milliseconds, because QEMU holds the guest
 * until a client connects.
 *
 * Events: 'state' (state, detail), 'data' (a chunk of guest output, Buffer).
 */
export class SerialLink extends EventEmitter {
  state: LinkState = 'disconnected';
  detail = 'not connected yet';
  private socket: net.Socket | null = null;
  private timer: NodeJS.Timeout | null = null;
  private backoff: number;
  private closed = false;
  /** until when to retry every EXPECT_RETRY_MS (a launch is waiting for us) */
  private expectUntil = 0;
  private readonly minBackoff: number;
  private readonly maxBackoff: number;

  constructor(
    readonly socketPath: string,
    opts: SerialLinkOptions = {},
  ) {
    super();
    this.minBackoff = opts.minBackoffMs ?? 100;
    this.maxBackoff = opts.maxBackoffMs ?? 5_000;
    this.backoff = this.minBackoff;
  }

  start(): void {
    if (!this.socket && !this.timer && !this.closed) this.connect();
  }

  /** Try again now instead of waiting out the backoff (e.g. the VM was just started). */
  kick(): void {
    if (this.closed || this.socket) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.backoff = this.minBackoff;
    this.connect();
  }

  /** QEMU is being launched and waits for a client: connect the moment its socket appears. */
  expect(withinMs = 60_000): void {
    this.expectUntil = Date.now() + withinMs;
    this.kick();
  }

  /** True while a launch is waiting for this link to connect. */
  get expecting(): boolean {
    return this.state !== 'connected' && Date.now() < this.expectUntil;
  }

  /** Sends bytes to the guest; false when the socket is not connected (the input is dropped). */
  write(data: Uint8Array): boolean {
    if (this.state !== 'connected' || !this.socket) return false;
    this.socket.write(data);
    return true;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.socket?.destroy();
    this.socket = null;
  }

  private setState(state: LinkState, detail: string): void {
    if (state === this.state && detail === this.detail) return;
    this.state = state;
    this.detail = detail;
    this.emit('state', state, detail);
  }

  private connect(): void {
    this.setState('connecting', `connecting to ${this.socketPath}`);
    const socket = net.connect(this.socketPath);
    this.socket = socket;
    socket.on('connect', () => {
      this.backoff = this.minBackoff;
      this.expectUntil = 0;
      this.setState('connected', 'serial console connected');
    });
    socket.on('data', (chunk) => this.emit('data', chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.detail = err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? 'the VM is not running (no serial socket)' : `serial socket: ${err.message}`;
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      const wasConnected = this.state === 'connected';
      this.setState('disconnected', wasConnected ? 'the serial socket closed (VM stopped or restarting)' : this.detail);
      if (this.closed) return;
      const delay = this.expecting ? EXPECT_RETRY_MS : wasConnected ? this.minBackoff : this.backoff;
      if (!this.expecting) this.backoff = Math.min(this.backoff * 2, this.maxBackoff);
      this.timer = setTimeout(() => {
        this.timer = null;
        this.connect();
      }, delay);
    });
  }
}
