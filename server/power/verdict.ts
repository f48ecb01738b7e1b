// Pure: a card's maximum power against what its slot can give, in plain words.
import { DESKTOP_SLOT_POWER_W } from '../host/boards/orin-devkit';

export { DESKTOP_SLOT_POWER_W };
/** From this share of the budget on, a card is "at the limit": 30 W of the Orin's 40 W. */
const AT_LIMIT_SHARE = 0.75;

export type PowerTone = 'ok' | 'warn' | 'bad' | 'unknown';

export interface PowerVerdict {
  tone: PowerTone;
  watts: number | null;
  budgetW: number;
  /** short label: "over budget", "at the limit", "fits", "unknown" */
  label: string;
  /** the full sentence a person reads */
  reason: string;
}

const w = (n: number) => `${Number.isInteger(n) ? n : n.toFixed(1)} W`;

export function powerVerdict(cardWatts: number | null, slotBudgetW: number): PowerVerdict {
  const budget = `this slot gives ${w(slotBudgetW)} (a desktop slot gives ${w(DESKTOP_SLOT_POWER_W)})`;
  if (cardWatts === null || !Number.isFinite(cardWatts) || cardWatts <= 0) {
    return { tone: 'unknown', watts: null, budgetW: slotBudgetW, label: 'unknown', reason: 'unknown — enter the card\'s maximum power' };
  }
  const draws = `draws up to ${w(cardWatts)}`;
  if (cardWatts > slotBudgetW) {
    return { tone: 'bad', watts: cardWatts, budgetW: slotBudgetW, label: 'over budget', reason: `${draws}; ${budget}` };
  }
  if (cardWatts >= slotBudgetW * AT_LIMIT_SHARE) {
    return { tone: 'warn', watts: cardWatts, budgetW: slotBudgetW, label: 'at the limit', reason: `at the limit: ${draws}; ${budget}` };
  }
  return { tone: 'ok', watts: cardWatts, budgetW: slotBudgetW, label: 'fits', reason: `fits: ${draws}; ${budget}` };
}
