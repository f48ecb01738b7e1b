import fs from 'node:fs';
import type { WebSocket } from 'ws';
import { ConsoleLog } from './console-log';
import { CLOSE, type ServerControl } from './protocol';
import { SerialLink, type SerialLinkOptions } from './serial-link';

export interface HubOptions extends SerialLinkOptions {
  /** a new viewer gets at most this much history (from a line boundary), default 8 MiB */
  historyBytes?: number;
  /** a viewer with more than this queued in its WebSocket gets nothing more until it drains, default 1 MiB */
  queueLimitBytes?: number;
  /** a viewer that stays over the queue limit this long is disconnected, default 10 s */
  stallTimeoutMs?: number;
  /** read size from the log, default 64 KiB */
  chunkBytes?: number;
  /** how often the log is checked when fs.watch says nothing (missing file, replaced file, odd filesystems), default 250 ms */
  pollMs?: number;
}

interface Viewer {
  ws: WebSocket;
  readOnly: boolean;
  /** offset in the log of the next byte this viewer gets; -1 until its history start is known */
  pos: number;
  /** reading its backlog from the file right now */
  pumping: boolean;
  historyDone: boolean;
  /** since when its queue has been over the limit with output waiting */
  blockedSince: number | null;
}

const MiB = 1024 * 1024;

/**
 * One per VM: fans the guest's serial output out to any number of WebSocket viewers and passes
 * typed input to the guest.
 *
 * Output comes from QEMU's console log, by byte offset: every viewer has a position in the file.
 * A viewer at the end of the file gets each new chunk as it is read (the fast path); a viewer
 * behind (new, or slow) reads its own backlog from the file, paced by its socket. History and live
 * output are therefore one stream with no gap and no duplicate, and memory per viewer is bounded
 * by its WebSocket queue limit whatever the guest prints: the file is the buffer.
 */
export class ConsoleHub {
  readonly link: SerialLink;
  private readonly log: ConsoleLog;
  private readonly viewers = new Set<Viewer>();
  private readonly opts: Required<Omit<HubOptions, keyof SerialLinkOptions>>;
  /** bytes of the log already dealt with by the tail (delivered to viewers at the end, or skipped) */
  private liveEnd = 0;
  private tailReady: Promise<void> | null = null;
  private watcher: fs.FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private reading = false;
  private readAgain = false;
  private closed = false;

  constructor(
    readonly vm: string,
    paths: { serialSocket: string; consoleLog: string },
    opts: HubOptions = {},
  ) {
    this.opts = {
      historyBytes: opts.historyBytes ?? 8 * MiB,
      queueLimitBytes: opts.queueLimitBytes ?? 1 * MiB,
      stallTimeoutMs: opts.stallTimeoutMs ?? 10_000,
      chunkBytes: opts.chunkBytes ?? 64 * 1024,
      pollMs: opts.pollMs ?? 250,
    };
    this.log = new ConsoleLog(paths.consoleLog);
    this.link = new SerialLink(paths.serialSocket, opts);
    this.link.on('data', () => this.readNew());
    let wasConnected = false;
    this.link.on('state', (state) => {
      const connected = state === 'connected';
      if (connected !== wasConnected) this.broadcastStatus();
      wasConnected = connected;
    });
    this.link.start();
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  get logFile(): string {
    return this.log.file;
  }

  /** Starts streaming to a viewer: history first (capped), then live output. */
  async addViewer(ws: WebSocket, readOnly: boolean): Promise<void> {
    const v: Viewer = { ws, readOnly, pos: -1, pumping: false, historyDone: false, blockedSince: null };
    this.viewers.add(v);
    ws.once('close', () => this.removeViewer(v));
    await this.startTail();
    if (!this.viewers.has(v)) return;
    const start = await this.log.historyStart(this.liveEnd, this.opts.historyBytes);
    if (!this.viewers.has(v)) return;
    if (start > 0) this.sendControl(v, { type: 'history-truncated', skippedBytes: start, logBytes: this.liveEnd });
    this.sendControl(v, this.statusFor(v));
    v.pos = start;
    void this.pump(v);
  }

  /** Input from a viewer allowed to type; false when the guest is not reachable (the bytes are dropped). */
  write(data: Uint8Array): boolean {
    return this.link.write(data);
  }

  /** The link was probably wrong about the VM being down (it just started): reconnect now. */
  kick(): void {
    this.link.kick();
    this.readNew();
  }

  async close(reason = 'the dashboard is shutting down'): Promise<void> {
    this.closed = true;
    this.link.close();
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
    await this.stopTail();
  }

  private removeViewer(v: Viewer): void {
    this.viewers.delete(v);
    if (this.viewers.size === 0) void this.stopTail();
  }

  private statusFor(v: Viewer): ServerControl {
    const connected = this.link.state === 'connected';
    return { type: 'status', link: connected ? 'connected' : 'disconnected', readOnly: v.readOnly, detail: connected ? undefined : this.link.detail };
  }

  private broadcastStatus(): void {
    for (const v of this.viewers) if (v.pos >= 0) this.sendControl(v, this.statusFor(v));
  }

  private sendControl(v: Viewer, msg: ServerControl): void {
    if (v.ws.readyState === v.ws.OPEN) v.ws.send(JSON.stringify(msg));
  }

  private sendBytes(v: Viewer, data: Buffer): void {
    v.ws.send(data, { binary: true }, () => {
      // the socket took this chunk: if the viewer is behind, carry on from the file
      if (v.pos < this.liveEnd && !v.pumping && this.viewers.has(v)) void this.pump(v);
    });
    v.pos += data.length;
  }

  private overLimit(v: Viewer): boolean {
    return v.ws.bufferedAmount >= this.opts.queueLimitBytes;
  }

  /** Sends a viewer its backlog from the file until it is at the live end or its queue is full. */
  private async pump(v: Viewer): Promise<void> {
    if (v.pumping || v.pos < 0) return;
    v.pumping = true;
    try {
      while (v.pos < this.liveEnd && this.viewers.has(v)) {
        if (this.overLimit(v)) {
          v.blockedSince ??= Date.now();
          return;
        }
        v.blockedSince = null;
        const data = await this.log.read(v.pos, Math.min(this.opts.chunkBytes, this.liveEnd - v.pos));
        if (data.length === 0 || !this.viewers.has(v) || v.ws.readyState !== v.ws.OPEN) return;
        this.sendBytes(v, data);
      }
      if (v.pos === this.liveEnd && !v.historyDone && this.viewers.has(v)) {
        v.historyDone = true;
        this.sendControl(v, { type: 'history-end' });
      }
    } catch (err) {
      v.ws.close(1011, `console log read failed: ${(err as Error).message}`.slice(0, 120));
    } finally {
      v.pumping = false;
    }
  }

  /** A viewer is at the live end and can take a chunk right now. */
  private fastPath(v: Viewer, start: number): boolean {
    return v.pos === start && v.historyDone && !v.pumping && !this.overLimit(v);
  }

  private async startTail(): Promise<void> {
    this.tailReady ??= (async () => {
      if (await this.log.open()) {
        this.liveEnd = await this.log.size();
        this.watch();
      }
      this.timer = setInterval(() => void this.poll(), this.opts.pollMs);
    })();
    return this.tailReady;
  }

  private async stopTail(): Promise<void> {
    await this.tailReady;
    if (this.viewers.size > 0 && !this.closed) return;
    this.tailReady = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.watcher?.close();
    this.watcher = null;
    await this.log.close();
    this.liveEnd = 0;
  }

  private watch(): void {
    try {
      this.watcher = fs.watch(this.log.file, () => this.readNew());
      this.watcher.on('error', () => {
        this.watcher?.close();
        this.watcher = null;
      });
    } catch {
      this.watcher = null; // the poll still finds new output
    }
  }

  private async poll(): Promise<void> {
    if (!this.log.isOpen) {
      if (!(await this.log.open())) return;
      this.liveEnd = 0; // a new log: everything in it is new to every viewer
      this.watch();
    } else if (await this.log.replaced()) {
      return this.logReplaced();
    }
    this.readNew();
    this.dropStalled();
  }

  private async logReplaced(): Promise<void> {
    for (const v of [...this.viewers]) v.ws.close(CLOSE.logReplaced, 'the console log was replaced; reconnect to replay it');
    this.viewers.clear();
    await this.stopTail();
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

  /** Reads what QEMU appended since the last read and hands it to the viewers at the live end. */
  private readNew(): void {
    if (!this.log.isOpen || this.closed) return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = true;
    void (async () => {
      try {
        do {
          this.readAgain = false;
          const size = await this.log.size();
          if (size < this.liveEnd) return void (await this.logReplaced());
          while (this.liveEnd < size && this.log.isOpen) {
            const start = this.liveEnd;
            const atEnd = [...this.viewers].filter((v) => this.fastPath(v, start));
            if (atEnd.length === 0) {
              // nobody can take it now: whoever is behind reads it from the file later
              this.liveEnd = size;
            } else {
              const data = await this.log.read(start, Math.min(this.opts.chunkBytes, size - start));
              if (data.length === 0) break;
              this.liveEnd = start + data.length;
              for (const v of atEnd) if (v.pos === start && this.viewers.has(v)) this.sendBytes(v, data);
            }
            for (const v of this.viewers) if (v.pos < this.liveEnd && !v.pumping) void this.pump(v);
          }
        } while (this.readAgain);
      } catch {
        // the log vanished under us; the poll reopens or reports it
      } finally {
        this.reading = false;
      }
    })();
  }
}
