import { TRPCError } from '@trpc/server';
import { recordAudit } from '../../db/audit';
import { publishChange } from '../../events';
import { KNOWN_CARDS } from '../../power/cards';
import { cardPower } from '../../power/lookup';
import { clearCardWattsInput, setCardWattsInput } from '../../power/schema';
import { clearUserCardPower, getUserCardPower, listUserCardPower, setUserCardPower } from '../../power/store';
import { adminProcedure, router, viewerProcedure } from '../trpc';

export const powerRouter = router({
  /** The built-in table and the users' own figures. */
  list: viewerProcedure.query(({ ctx }) => ({ known: KNOWN_CARDS, user: listUserCardPower(ctx.services.db) })),

  /** Store a card's maximum board power; it overrides the built-in table for that vendor:device. */
  setCardWatts: adminProcedure.input(setCardWattsInput).mutation(({ ctx, input }) => {
    const { db } = ctx.services;
    const before = getUserCardPower(db, input.vendorDevice);
    setUserCardPower(db, input.vendorDevice, input.watts, input.note);
    recordAudit(db, {
      actor: ctx.user.name,
      remote: ctx.req.remote,
      action: 'power.set-card-watts',
      target: input.vendorDevice,
      detail: { watts: input.watts, note: input.note || null, before: before?.maxWatts ?? null },
      result: 'ok',
    });
    publishChange({ kind: 'host', reason: `card power of ${input.vendorDevice} set to ${input.watts} W` });
    return cardPower(input.vendorDevice, listUserCardPower(db));
  }),

  /** Forget the user's figure: the built-in table (or "unknown") applies again. */
  clearCardWatts: adminProcedure.input(clearCardWattsInput).mutation(({ ctx, input }) => {
    const { db } = ctx.services;
    const before = getUserCardPower(db, input.vendorDevice);
    if (!before || !clearUserCardPower(db, input.vendorDevice)) {
      throw new TRPCError({ code: 'NOT_FOUND', message: `there is no stored power figure for ${input.vendorDevice}` });
    }
    recordAudit(db, {
      actor: ctx.user.name,
      remote: ctx.req.remote,
      action: 'power.clear-card-watts',
      target: input.vendorDevice,
      detail: { before: before.maxWatts },
      result: 'ok',
    });
    publishChange({ kind: 'host', reason: `card power of ${input.vendorDevice} cleared` });
    return cardPower(input.vendorDevice, listUserCardPower(db));
  }),
});
