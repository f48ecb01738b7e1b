import type { WsRoute } from '../ws/upgrade';
import { CLOSE } from '../console/protocol';
import { runShell, type ShellOptions } from './shell-session';

/** /ws/shell: a shell on the dashboard's host, administrators only; the upgrade handler audits start and end. */
export function shellRoute(opts: ShellOptions = {}): WsRoute {
  return {
    prefix: '/ws/shell',
    role: 'admin',
    audit: () => 'shell.session',
    handle(ws, ctx) {
      if (ctx.rest !== '') return ws.close(CLOSE.notFound, 'not found: the host shell is at /ws/shell');
      runShell(ws, opts);
    },
  };
}
