// A small QMP client: greeting, qmp_capabilities, commands matched to replies by id, events in between.
import { EventEmitter } from 'node:events';
import net from 'node:net';

export interface QmpEvent {
  event: string;
  data?: Record<string, unknown>;
  timestamp?: { seconds: number; microseconds: number };
}

export class QmpError extends Error {
  constructor(readonly command: string, readonly errorClass: string, desc: string) {
    super(`QMP ${command}: ${desc}`);
    this.name = 'QmpError';
  }
}

/** QEMU took the command and did not answer: it is hung (or stopped), or far too busy. */
export class QmpTimeoutError extends Error {
  constructor(readonly command: string, readonly timeoutMs: number) {
    super(`QMP ${command}: no answer within ${timeoutMs} ms (QEMU is hung or stopped)`);
    this.name = 'QmpTimeoutError';
  }
}

/** how long a command may go unanswered by default; query-status, powerdown and quit answer at once */
export const QMP_COMMAND_TIMEOUT_MS = 5_000;

interface Pending {
  command: string;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/** Emits 'event' (QmpEvent) and 'close' (once, when the socket ends for any reason). */
export class QmpClient extends EventEmitter {
  private buffer = '';
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();
  private closed = false;
  greeting: unknown = null;

  private constructor(private readonly socket: net.Socket, private readonly commandTimeoutMs: number) {
    super();
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', () => this.finish());
    socket.on('close', () => this.finish());
  }

  /**
   * Connects, waits for the greeting and negotiates capabilities; rejects after timeoutMs. Every command
   * on the connection then rejects with a QmpTimeoutError when unanswered for commandTimeoutMs.
   */
  static connect(socketPath: string, timeoutMs = 3000, commandTimeoutMs = QMP_COMMAND_TIMEOUT_MS): Promise<QmpClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(socketPath);
      const client = new QmpClient(socket, commandTimeoutMs);
      const timer = setTimeout(() => fail(new Error(`QMP at ${socketPath}: no greeting within ${timeoutMs} ms (another client connected?)`)), timeoutMs);
      const fail = (err: Error) => {
        clearTimeout(timer);
        client.close();
        reject(err);
      };
      socket.once('error', (err) => fail(new Error(`QMP at ${socketPath}: ${err.message}`)));
      client.once('greeting', () => {
        client
          .execute('qmp_capabilities')
          .then(() => {
            clearTimeout(timer);
            resolve(client);
          })
          .catch(fail);
      });
    });
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Sends a command; rejects with its QMP error, when the connection closes, or after timeoutMs without an answer (a late answer is dropped). */
  execute<T = unknown>(command: string, args?: Record<string, unknown>, timeoutMs = this.commandTimeoutMs): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`QMP ${command}: connection closed`));
    const id = String(this.nextId++);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending.delete(id)) reject(new QmpTimeoutError(command, timeoutMs));
      }, timeoutMs);
      const settle = <V>(fn: (v: V) => void) => (v: V) => {
        clearTimeout(timer);
        fn(v);
      };
      this.pending.set(id, { command, resolve: settle(resolve as (v: unknown) => void), reject: settle(reject) });
      this.socket.write(`${JSON.stringify(args ? { execute: command, arguments: args, id } : { execute: command, id })}\n`);
    });
  }

  close(): void {
    this.socket.destroy();
    this.finish();
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (line) this.onMessage(line);
    }
  }

  private onMessage(line: string): void {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    }
    if ('QMP' in msg) {
      this.greeting = msg.QMP;
      this.emit('greeting', msg.QMP);
    } else if ('event' in msg) {
      this.emit('event', msg as unknown as QmpEvent);
    } else if ('id' in msg) {
      const p = this.pending.get(String(msg.id));
      if (!p) return;
      this.pending.delete(String(msg.id));
      if ('error' in msg) {
        const e = msg.error as { class: string; desc: string };
        p.reject(new QmpError(p.command, e.class, e.desc));
      } else p.resolve(msg.return);
    }
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.values()) p.reject(new Error(`QMP ${p.command}: connection closed`));
    this.pending.clear();
    this.emit('close');
  }
}
