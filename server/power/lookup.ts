// What jetvm believes a card draws: the user's figure when there is one, else the built-in table.
import { knownCard } from './cards';
import type { UserCardPower } from './store';

export type PowerOrigin = 'user' | 'builtin' | 'unknown';

export interface CardPower {
  vendorDevice: string;
  /** maximum board power in watts; null when nobody knows */
  watts: number | null;
  origin: PowerOrigin;
  /** where the figure comes from: the user's note and date, or the table's source */
  source: string | null;
  /** the built-in name, when the table knows the card */
  knownName: string | null;
  activeCooler: boolean | null;
  /** the built-in figure, shown next to a user's override */
  builtinWatts: number | null;
  /** a built-in figure nobody checked against the vendor's datasheet (the UI says "unverified") */
  unverified: boolean;
}

export function cardPower(vendorDevice: string, userEntries: readonly UserCardPower[]): CardPower {
  const id = vendorDevice.toLowerCase();
  const known = knownCard(id);
  const user = userEntries.find((e) => e.vendorDevice === id) ?? null;
  const base = { vendorDevice: id, knownName: known?.name ?? null, activeCooler: known?.activeCooler ?? null, builtinWatts: known?.maxWatts ?? null, unverified: false };
  if (user) {
    return { ...base, watts: user.maxWatts, origin: 'user', source: `${user.note ?? 'no source given'}, ${user.updatedAt.slice(0, 10)}` };
  }
  if (known) return { ...base, watts: known.maxWatts, origin: 'builtin', source: known.source, unverified: !known.verified };
  return { ...base, watts: null, origin: 'unknown', source: null };
}
