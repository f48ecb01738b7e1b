import { KNOWN_CARDS } from '../../power/cards';
import { clearCardWatts, setCardWatts } from '../../power/changes';
import { cardPower } from '../../power/lookup';
import { clearCardWattsInput, setCardWattsInput } from '../../power/schema';
import { listUserCardPower } from '../../power/store';
import { actorOf, adminProcedure, router, viewerProcedure } from '../trpc';

export const powerRouter = router({
  /** The built-in table and the users' own figures. */
  list: viewerProcedure.query(({ ctx }) => ({ known: KNOWN_CARDS, user: listUserCardPower(ctx.services.db) })),

  /** Store a card's maximum board power; it overrides the built-in table for that vendor:device. */
  setCardWatts: adminProcedure.input(setCardWattsInput).mutation(({ ctx, input }) => {
    setCardWatts(ctx.services, actorOf(ctx), input);
    return cardPower(input.vendorDevice, listUserCardPower(ctx.services.db));
  }),

  /** Forget the user's figure: the built-in table (or "unknown") applies again. */
  clearCardWatts: adminProcedure.input(clearCardWattsInput).mutation(({ ctx, input }) => {
    clearCardWatts(ctx.services, actorOf(ctx), input);
    return cardPower(input.vendorDevice, listUserCardPower(ctx.services.db));
  }),
});
