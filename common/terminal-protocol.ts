// The terminal WebSocket framing shared by the serial console (/ws/console/<vm>) and the host shell
// (/ws/shell): binary frames carry terminal bytes both ways, text frames carry one JSON control message.
// Imported by the browser too, so nothing here may touch Node APIs.
import { z } from 'zod';

/** Server → browser control messages. */
export type ServerControl =
  /** who may type, and whether the serial socket (or pty) is up */
  | { type: 'status'; link: 'connected' | 'connecting' | 'disconnected'; readOnly: boolean; detail?: string }
  /** sent before the history when older output was left out (the full log is downloadable) */
  | { type: 'history-truncated'; skippedBytes: number; logBytes: number }
  /** everything written before this viewer joined has been sent; what follows is live */
  | { type: 'history-end' }
  /** whether the console history is being written (ok: false while the disk is full; live output keeps flowing) */
  | { type: 'recording'; ok: boolean; message?: string }
  /** the host shell ended */
  | { type: 'exit'; exitCode: number; signal: number | null }
  | { type: 'error'; message: string };

const resizeSchema = z.object({
  type: z.literal('resize'),
  cols: z.number().int().min(2).max(1000),
  rows: z.number().int().min(1).max(500),
});

/** Browser → server control messages (resize only matters to the shell; the serial console ignores it). */
export const clientControlSchema = z.discriminatedUnion('type', [resizeSchema]);
export type ClientControl = z.infer<typeof clientControlSchema>;

export type ParsedClientMessage = { kind: 'input'; data: Uint8Array } | { kind: 'control'; msg: ClientControl } | { kind: 'invalid'; message: string };

/** Decodes one incoming frame; a bad control message becomes a readable error, never a throw. */
export function parseClientMessage(data: Uint8Array | string, isBinary: boolean): ParsedClientMessage {
  if (isBinary && typeof data !== 'string') return { kind: 'input', data };
  const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'invalid', message: 'a text frame must be one JSON control message (terminal input goes in binary frames)' };
  }
  const parsed = clientControlSchema.safeParse(json);
  if (!parsed.success) {
    return { kind: 'invalid', message: `unknown control message: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ')}` };
  }
  return { kind: 'control', msg: parsed.data };
}

/** Close codes (4000–4999 are the application's): the browser shows the reason and decides whether to reconnect. */
export const CLOSE = {
  /** the viewer could not keep up and was dropped; reconnecting resumes from the log */
  stalled: 4008,
  /** no such VM */
  notFound: 4004,
  /** the shell process ended */
  shellExited: 4010,
  /** the dashboard is shutting down */
  shuttingDown: 1001,
  /** refused by a rule (the host shell's password ticket, its limit): the reason says which */
  policy: 1008,
} as const;

/** Close codes after which reconnecting by itself would not help. */
export const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([CLOSE.notFound, CLOSE.shellExited, 4001, CLOSE.policy]);
