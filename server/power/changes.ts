// Changing the users' card power figures: stored, audited, announced.
import type { Db } from '../db';
import { recordAudit, type Actor } from '../db/audit';
import { KnownError } from '../errors';
import type { ChangePublisher } from '../events';
import type { z } from 'zod';
import type { clearCardWattsInput, setCardWattsInput } from './schema';
import { clearUserCardPower, getUserCardPower, setUserCardPower } from './store';

/** Stores a card's maximum board power; it overrides the built-in table for that vendor:device. */
export function setCardWatts({ db, events }: { db: Db; events: ChangePublisher }, actor: Actor, input: z.output<typeof setCardWattsInput>): void {
  const before = getUserCardPower(db, input.vendorDevice);
  setUserCardPower(db, input.vendorDevice, input.watts, input.note);
  recordAudit(db, {
    ...actor,
    action: 'power.set-card-watts',
    target: input.vendorDevice,
    detail: { watts: input.watts, note: input.note || null, before: before?.maxWatts ?? null },
    result: 'ok',
  });
  events.publish({ kind: 'host', reason: `card power of ${input.vendorDevice} set to ${input.watts} W` });
}

/** Forgets the user's figure: the built-in table (or "unknown") applies again. */
export function clearCardWatts({ db, events }: { db: Db; events: ChangePublisher }, actor: Actor, input: z.output<typeof clearCardWattsInput>): void {
  const before = getUserCardPower(db, input.vendorDevice);
  if (!before || !clearUserCardPower(db, input.vendorDevice)) {
    throw new KnownError('not-found', 'no-card-power', `there is no stored power figure for ${input.vendorDevice}`);
  }
  recordAudit(db, { ...actor, action: 'power.clear-card-watts', target: input.vendorDevice, detail: { before: before.maxWatts }, result: 'ok' });
  events.publish({ kind: 'host', reason: `card power of ${input.vendorDevice} cleared` });
}
