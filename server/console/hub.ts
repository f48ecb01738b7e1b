import fs from 'node:fs';
import type { WebSocket } from 'ws';
import { ConsoleHistory, type HistoryOptions, type RecordingState } from './history';
import { CLOSE, type ServerControl } from '../../common/terminal-protocol';
import { SerialLink, type SerialLinkOptions } from './serial-link';

export interface HubOptions extends SerialLinkOptions, HistoryOptions {
  /** a new viewer gets at most this much history (from a line boundary), default 8 MiB */
  historyBytes?: number;
  /** a viewer with more than this queued in its WebSocket gets nothing more until it drains, default 1 MiB */
  queueLimitBytes?: number;
  /** a viewer that stays over the queue limit this long is disconnected, default 10 s */
  stallTimeoutMs?: number;
  /** read size from the history file, default 64 KiB */
  chunkBytes?: number;
}

interface Viewer {
  ws: WebSocket;
  readOnly: boolean;
  /** caught up: gets each chunk straight from the serial socket */
  live: boolean;
  /** while not live: position in the history of the next byte it gets; -1 until its history start is known */
  pos: number;
  /** reading its backlog from the history right now */
  pumping: boolean;
  historyDone: boolean;
  /** since when its queue has been over the limit with output waiting */
  blockedSince: number | null;
  /** WebSocket send callback: the socket took a chunk, so a viewer that is behind may read on */
  sent: () => void;
}

const MiB = 1024 * 1024;
const BINARY = { binary: true } as const;

/**
 * One per VM, kept while the VM runs: reads the guest's serial output from QEMU's socket, records
 * it in the VM's console history (capped, rotated: history.ts) and fans it out to any number of
 * WebSocket viewers; passes typed input to the guest.
 *
 * A viewer that is caught up gets every chunk straight from the socket, before it is written to
 * disk. A viewer that is behind (new, or too slow) reads from the history by position, paced by
 * its WebSocket, and turns live the moment its position reaches the history's end. Chunks are
 * appended to the history in order, and reading its end writes what is pending first, so that
 * moment has no gap and no duplicate; and
 * memory per viewer is bounded by its WebSocket queue limit whatever the guest prints.
 * If the history cannot be written (disk full) live output keeps flowing and viewers are told.
 */
export class ConsoleHub {
  readonly link: SerialLink;
  readonly history: ConsoleHistory;
  private readonly viewers = new Set<Viewer>();
  private readonly opts: Required<Pick<HubOptions, 'historyBytes' | 'queueLimitBytes' | 'stallTimeoutMs' | 'chunkBytes'>>;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    readonly vm: string,
    paths: { serialSocket: string; consoleLog: string },
    opts: HubOptions = {},
    /** the VM was already running when this hub was made (dashboard restart): what it printed meanwhile is lost */
    adopted = false,
  ) {
    this.opts = {
      historyBytes: opts.historyBytes ?? 8 * MiB,
      queueLimitBytes: opts.queueLimitBytes ?? 1 * MiB,
      stallTimeoutMs: opts.stallTimeoutMs ?? 10_000,
      chunkBytes: opts.chunkBytes ?? 64 * 1024,
    };
    this.history = new ConsoleHistory(paths.consoleLog, opts);
    this.history.onState = (state) => this.broadcast(recordingControl(state));
    this.link = new SerialLink(paths.serialSocket, opts);
    this.link.on('data', (chunk: Buffer) => this.output(chunk));
    let wasConnected = false;
    this.link.on('state', (state) => {
      const connected = state === 'connected';
      if (connected && adopted) {
        adopted = false;
        this.output(Buffer.from(`\r\n[jetvm: output from ${lastWrite(paths.consoleLog)} until ${new Date().toISOString()} was not recorded (the dashboard was not running)]\r\n`));
      }
      if (connected !== wasConnected) this.broadcast(null);
      // the guest stopped (or restarts): its last output is on disk now, not within flushMs
      if (wasConnected && !connected) this.history.flush();
      wasConnected = connected;
    });
    this.link.start();
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  /** viewers reading from the history rather than getting output live */
  get viewersBehind(): number {
    let n = 0;
    for (const v of this.viewers) if (!v.live) n++;
    return n;
  }

  get logFile(): string {
    return this.history.file;
  }

  /** Starts streaming to a viewer: history first (capped), then live output. */
  async addViewer(ws: WebSocket, readOnly: boolean): Promise<void> {
    const v: Viewer = { ws, readOnly, live: false, pos: -1, pumping: false, historyDone: false, blockedSince: null, sent: () => this.resume(v) };
    this.viewers.add(v);
    ws.once('close', () => this.removeViewer(v));
    this.timer ??= setInterval(() => this.dropStalled(), 250);
    const start = await this.history.historyStart(this.opts.historyBytes);
    if (!this.viewers.has(v)) return;
    const { base, end } = this.history;
    if (start > base) this.sendControl(v, { type: 'history-truncated', skippedBytes: start - base, logBytes: end - base });
    this.sendControl(v, this.statusFor(v));
    if (!this.history.state.ok) this.sendControl(v, recordingControl(this.history.state));
    v.pos = start;
    void this.pump(v);
  }

  /** Input from a viewer allowed to type; false when the guest is not reachable (the bytes are dropped). */
  write(data: Uint8Array): boolean {
    return this.link.write(data);
  }

  /** The VM's QEMU is (re)starting: connect as soon as its socket appears (QEMU waits for us before the guest runs). */
  expect(): void {
    this.link.expect();
  }

  /** The link was probably wrong about the VM being down (it just started): reconnect now. */
  kick(): void {
    this.link.kick();
  }

  async close(reason = 'the dashboard is shutting down'): Promise<void> {
    this.closed = true;
    this.link.close();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const viewers = [...this.viewers];
    this.viewers.clear();
    // wait for the close handshakes, so what runs on close (the typing audit) runs before the database closes
    await Promise.all(
      viewers.map(({ ws }) => {
        if (ws.readyState === ws.CLOSED) return;
        const closed = new Promise((resolve) => ws.once('close', resolve));
        ws.close(CLOSE.shuttingDown, reason);
        setTimeout(() => ws.terminate(), 1_000).unref();
        return closed;
      }),
    );
    await this.history.close();
  }

  /** A chunk from the guest: straight to the viewers that are caught up, then into the history. */
  private output(chunk: Buffer): void {
    if (this.closed) return;
    for (const v of this.viewers) {
      if (!v.live) continue;
      if (this.overLimit(v)) {
        // from here on it reads from the history, starting with this chunk (end writes what is pending: it got that live)
        v.live = false;
        v.pos = this.history.end;
        v.blockedSince = Date.now();
      } else {
        v.ws.send(chunk, BINARY, v.sent);
      }
    }
    this.history.append(chunk);
  }

  private removeViewer(v: Viewer): void {
    this.viewers.delete(v);
    if (this.viewers.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private statusFor(v: Viewer): ServerControl {
    const connected = this.link.state === 'connected';
    return { type: 'status', link: connected ? 'connected' : 'disconnected', readOnly: v.readOnly, detail: connected ? undefined : this.link.detail };
  }

  /** Sends msg (or each viewer's status when null) to every viewer whose stream has begun. */
  private broadcast(msg: ServerControl | null): void {
    for (const v of this.viewers) if (v.pos >= 0 || v.live) this.sendControl(v, msg ?? this.statusFor(v));
  }

  private sendControl(v: Viewer, msg: ServerControl): void {
    if (v.ws.readyState === v.ws.OPEN) v.ws.send(JSON.stringify(msg));
  }

  private overLimit(v: Viewer): boolean {
    return v.ws.bufferedAmount >= this.opts.queueLimitBytes;
  }

  private resume(v: Viewer): void {
    if (!v.live && v.pos >= 0 && !v.pumping && this.viewers.has(v) && !this.overLimit(v)) void this.pump(v);
  }

  /** Sends a viewer its backlog from the history until it is caught up (then it turns live) or its queue is full. */
  private async pump(v: Viewer): Promise<void> {
    if (v.pumping || v.live || v.pos < 0) return;
    v.pumping = true;
    try {
      while (this.viewers.has(v) && v.ws.readyState === v.ws.OPEN) {
        if (v.pos < this.history.base) {
          this.sendControl(v, { type: 'history-truncated', skippedBytes: this.history.base - v.pos, logBytes: this.history.end - this.history.base });
          v.pos = this.history.base;
        }
        if (v.pos >= this.history.end) {
          // caught up: no await between this check and turning live, so the next chunk reaches it exactly once
          v.live = true;
          v.blockedSince = null;
          if (!v.historyDone) this.sendControl(v, { type: 'history-end' });
          v.historyDone = true;
          return;
        }
        if (this.overLimit(v)) {
          v.blockedSince ??= Date.now();
          return;
        }
        v.blockedSince = null;
        const data = await this.history.read(v.pos, this.opts.chunkBytes);
        if (data.length === 0 || !this.viewers.has(v)) return;
        v.pos += data.length;
        v.ws.send(data, BINARY, v.sent);
      }
    } catch (err) {
      if (v.pos < this.history.base) return queueMicrotask(() => void this.pump(v)); // rotated away under the read: skip ahead
      v.ws.close(1011, `console history read failed: ${(err as Error).message}`.slice(0, 120));
    } finally {
      v.pumping = false;
    }
  }

  private dropStalled(): void {
    const now = Date.now();
    for (const v of this.viewers) {
      if (v.blockedSince === null) continue;
      if (!this.overLimit(v)) {
        v.blockedSince = null;
        void this.pump(v);
      } else if (now - v.blockedSince >= this.opts.stallTimeoutMs) {
        const queued = (v.ws.bufferedAmount / MiB).toFixed(1);
        const secs = Math.round(this.opts.stallTimeoutMs / 1000);
        this.viewers.delete(v);
        v.ws.close(CLOSE.stalled, `viewer too slow: ${queued} MiB unsent for ${secs} s; reconnect to resume`);
        // the close frame waits behind the unsent output: free the memory soon even if it never drains
        setTimeout(() => v.ws.terminate(), 2_000).unref();
      }
    }
  }
}

function recordingControl(state: RecordingState): ServerControl {
  return state.ok ? { type: 'recording', ok: true } : { type: 'recording', ok: false, message: `console history not being recorded: ${state.message}` };
}

function lastWrite(file: string): string {
  try {
    return fs.statSync(file).mtime.toISOString();
  } catch {
    return 'the start';
  }
}
