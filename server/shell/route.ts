import type { Db } from '../db';
import type { WsRoute } from '../ws/upgrade';
import { CLOSE } from '../../common/terminal-protocol';
import type { OpenShells } from './open-shells';
import { runShell, type ShellOptions } from './shell-session';
import { shellSessionAudit } from './host-shell';
import { createTranscript } from './transcript';
import { pruneTranscriptsLogged, type TranscriptRetention } from './transcript-retention';

export interface ShellRouteOptions extends ShellOptions {
  db: Db;
  dataDir: string;
  shells: OpenShells;
  /** JETVM_HOST_SHELL_MAX: shells open at once, across all admins */
  maxShells: number;
  /** what the transcripts may keep (JETVM_SHELL_TRANSCRIPT_MAX_MB for all together); pruned as each session ends */
  retention: TranscriptRetention;
}

export const CUT_NOTE = '\r\n[jetvm: the transcript stops here: this session alone reached JETVM_SHELL_TRANSCRIPT_MAX_MB]\r\n';

/**
 * /ws/shell?ticket=…: a shell on the dashboard's host, administrators only, served only with
 * JETVM_HOST_SHELL=1 (server/ws/routes.ts). The ticket comes from shell.unlock, which asks for the
 * password again. Each session is audited with a link to its transcript.
 */
export function shellRoute(opts: ShellRouteOptions): WsRoute {
  return {
    prefix: '/ws/shell',
    role: 'admin',
    handle(ws, ctx) {
      if (ctx.rest !== '') return ws.close(CLOSE.notFound, 'not found: the host shell is at /ws/shell');
      const who = { actor: ctx.user.name, remote: ctx.req.remote };
      const refuse = (reason: string) => {
        shellSessionAudit.refused(opts.db, who, reason);
        ws.close(CLOSE.policy, reason);
      };
      if (!opts.shells.redeemTicket(ctx.url.searchParams.get('ticket'), ctx.user.name, ctx.req.sessionToken)) {
        return refuse('the host shell asks for your password again: unlock it first');
      }
      if (opts.shells.openCount >= opts.maxShells) return refuse(`${opts.maxShells} host shell(s) are open already (JETVM_HOST_SHELL_MAX)`);
      const transcript = createTranscript(opts.dataDir);
      const opened = Date.now();
      shellSessionAudit.opened(opts.db, who, transcript.id);
      let bytes = 0;
      opts.shells.track(ws, transcript.id);
      runShell(ws, {
        ...opts,
        onOutput: (chunk) => {
          bytes += chunk.length;
          if (transcript.stream.writableEnded) return;
          // one session alone cannot outgrow the cap: its transcript stops there, saying why
          if (bytes + CUT_NOTE.length > opts.retention.maxBytes) transcript.stream.end(CUT_NOTE);
          else transcript.stream.write(chunk);
        },
      });
      ws.once('close', () => {
        transcript.stream.end();
        shellSessionAudit.ended(opts.db, who, { transcript: transcript.id, seconds: Math.round((Date.now() - opened) / 1000), bytes });
        pruneTranscriptsLogged(opts.db, opts.dataDir, opts.retention);
      });
    },
  };
}
