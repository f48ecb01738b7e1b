import type { RawData, WebSocket } from 'ws';
import { recordAudit } from '../db/audit';
import type { Db } from '../db';
import type { WsContext, WsRoute } from '../ws/upgrade';
import { CLOSE, parseClientMessage, type ServerControl } from '../../common/terminal-protocol';
import type { ConsoleService } from './service';

export const CONSOLE_PREFIX = '/ws/console/';

export function rawToBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

export function sendControl(ws: WebSocket, msg: ServerControl): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
}

/** Audit of one viewer's typing: recorded at the first keystroke, closed with totals when the socket closes. */
class TypingSession {
  private startedAt: number | null = null;
  private bytes = 0;

  constructor(
    private readonly db: Db,
    private readonly ctx: WsContext,
    private readonly vm: string,
  ) {}

  typed(n: number): void {
    if (this.startedAt === null) {
      this.startedAt = Date.now();
      recordAudit(this.db, { actor: this.ctx.user.name, remote: this.ctx.req.remote, action: 'console.typing', target: this.vm, result: 'ok' });
    }
    this.bytes += n;
  }

  end(): void {
    if (this.startedAt === null) return;
    const seconds = Math.round((Date.now() - this.startedAt) / 1000);
    recordAudit(this.db, {
      actor: this.ctx.user.name,
      remote: this.ctx.req.remote,
      action: 'console.typing.end',
      target: this.vm,
      detail: { bytes: this.bytes, seconds },
      result: 'ok',
    });
    this.startedAt = null;
  }
}

/**
 * /ws/console/<vm>: any logged-in user may watch; only admins' keystrokes reach the guest
 * (a viewer's input is dropped and the status it was sent says readOnly). Watching is not audited; typing is (TypingSession).
 */
export function consoleRoute(consoles: ConsoleService, db: Db): WsRoute {
  return {
    prefix: CONSOLE_PREFIX,
    role: 'viewer',
    handle(ws, ctx) {
      const vm = ctx.rest;
      const hub = consoles.hub(vm);
      if (!hub) return ws.close(CLOSE.notFound, `there is no VM named "${vm.slice(0, 40)}"`);
      const readOnly = ctx.user.role !== 'admin';
      const typing = new TypingSession(db, ctx, vm);
      let warnedReadOnly = false;
      ws.on('message', (data, isBinary) => {
        const msg = parseClientMessage(rawToBytes(data), isBinary);
        if (msg.kind === 'invalid') return sendControl(ws, { type: 'error', message: msg.message });
        if (msg.kind === 'control') return; // a serial line has no window size
        if (readOnly) {
          if (!warnedReadOnly) sendControl(ws, { type: 'error', message: 'read-only: only administrators can type on a VM console' });
          warnedReadOnly = true;
          return;
        }
        if (!hub.write(msg.data)) return sendControl(ws, { type: 'error', message: 'the VM is not running: input dropped' });
        typing.typed(msg.data.length);
      });
      ws.once('close', () => {
        typing.end();
        consoles.release(vm);
      });
      void hub.addViewer(ws, readOnly);
    },
  };
}
