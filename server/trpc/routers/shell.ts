import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { unlockHostShell } from '../../shell/host-shell';
import { transcriptState, type TranscriptState } from '../../shell/transcript';
import { isTranscriptId } from '../../../common/shell-transcripts';
import { lockedOutMessage } from '../../auth/rate-limit';
import { adminProcedure, router } from '../trpc';

export const shellRouter = router({
  /** Whether the host shell is served (JETVM_HOST_SHELL=1), its limit and how many are open. */
  status: adminProcedure.query(({ ctx }) => ({ ...ctx.services.config.hostShell, open: ctx.services.shells.openCount })),

  /** Which of these transcripts (the audit page's links) are kept, deleted by retention, or missing. */
  transcripts: adminProcedure
    .input(z.object({ ids: z.array(z.string().refine(isTranscriptId, 'not a transcript id')).max(1000) }))
    .query(({ ctx, input }) => Object.fromEntries(input.ids.map((id) => [id, transcriptState(ctx.services.config.dataDir, id)])) as Record<string, TranscriptState>),

  /**
   * The password again, for a ticket that opens one shell (/ws/shell?ticket=…) within a minute.
   * Wrong passwords count against the same limits as logins.
   */
  unlock: adminProcedure.input(z.object({ password: z.string().max(256) })).mutation(async ({ ctx, input }) => {
    if (!ctx.services.config.hostShell.enabled) {
      throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'the host shell is off: start jetvm with JETVM_HOST_SHELL=1 to use it' });
    }
    const out = await unlockHostShell(ctx.services, { user: ctx.user.name, remote: ctx.req.remote, sessionToken: ctx.req.sessionToken }, input.password);
    if (!out.ok && out.why === 'locked') {
      throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: lockedOutMessage(out.waitMs) });
    }
    if (!out.ok) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'wrong password' });
    return { ticket: out.ticket };
  }),
});
