import fs from 'node:fs';
import os from 'node:os';
import * as pty from 'node-pty';
import type { WebSocket } from 'ws';
import { rawToBytes, sendControl } from '../console/route';
import { CLOSE, parseClientMessage } from '../../common/terminal-protocol';

export interface ShellOptions {
  /** the program and its arguments, default the user's login shell */
  command?: string[];
  /** the pty is paused while this much output waits in the WebSocket, default 1 MiB */
  queueLimitBytes?: number;
  /** every byte the shell writes, as it is sent (the transcript) */
  onOutput?: (chunk: Buffer) => void;
}

function defaultShell(): string[] {
  const candidates = [process.env.SHELL, '/bin/bash', '/bin/sh'].filter((s): s is string => Boolean(s));
  return [candidates.find((s) => fs.existsSync(s)) ?? '/bin/sh', '-l'];
}

/** The dashboard's own environment minus its secrets (JETVM_ADMIN_PASSWORD and friends). */
function shellEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('JETVM_')) env[k] = v;
  return { ...env, TERM: 'xterm-256color', COLORTERM: 'truecolor' };
}

/**
 * Runs a shell on a pty for one WebSocket, with the terminal framing of common/terminal-protocol.ts:
 * binary frames both ways, {type:'resize'} from the browser, {type:'exit'} when the shell ends.
 * Closing the socket kills the shell; the shell ending closes the socket.
 */
export function runShell(ws: WebSocket, opts: ShellOptions = {}): pty.IPty {
  const [file, ...args] = opts.command ?? defaultShell();
  const limit = opts.queueLimitBytes ?? 1024 * 1024;
  const term = pty.spawn(file!, args, { name: 'xterm-256color', cols: 80, rows: 24, cwd: os.homedir(), env: shellEnv(), encoding: null });
  let exited = false;
  let paused = false;

  // output: paused while the browser is behind, so a `cat /dev/urandom` cannot fill memory
  term.onData((data: string | Buffer) => {
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    opts.onOutput?.(chunk);
    if (ws.readyState !== ws.OPEN) return;
    ws.send(chunk, { binary: true }, () => {
      if (paused && ws.bufferedAmount < limit / 2) {
        paused = false;
        term.resume();
      }
    });
    if (!paused && ws.bufferedAmount >= limit) {
      paused = true;
      term.pause();
    }
  });

  term.onExit(({ exitCode, signal }) => {
    exited = true;
    sendControl(ws, { type: 'exit', exitCode, signal: signal ?? null });
    ws.close(CLOSE.shellExited, `shell exited with code ${exitCode}`);
  });

  ws.on('message', (raw, isBinary) => {
    const msg = parseClientMessage(rawToBytes(raw), isBinary);
    if (exited) return;
    if (msg.kind === 'input') term.write(Buffer.from(msg.data));
    else if (msg.kind === 'control') term.resize(msg.msg.cols, msg.msg.rows);
    else sendControl(ws, { type: 'error', message: msg.message });
  });

  ws.once('close', () => {
    if (exited) return;
    term.kill('SIGHUP');
    // a shell that ignores SIGHUP still goes
    setTimeout(() => !exited && term.kill('SIGKILL'), 2_000).unref();
  });

  sendControl(ws, { type: 'status', link: 'connected', readOnly: false });
  sendControl(ws, { type: 'history-end' }); // a new shell has no history: everything from here is live
  return term;
}
