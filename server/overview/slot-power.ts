// The x8 slot's power gauge: the card in it, what it draws, the verdict, and the seed's guidance.
import type { SlotView } from '../host/boards/types';
import type { PciDevice } from '../host/types';
import { cardPower, type CardPower } from '../power/lookup';
import type { UserCardPower } from '../power/store';
import { DESKTOP_SLOT_POWER_W, powerVerdict, type PowerVerdict } from '../power/verdict';
import { deviceName, vendorDevice } from './format';

export interface SlotPower {
  budgetW: number;
  /** where the budget figure comes from (the board profile's source for it) */
  budgetSource: string | null;
  desktopW: number;
  /** the card's first function; null for an empty slot */
  card: { address: string; vendorDevice: string; name: string } | null;
  power: CardPower | null;
  verdict: PowerVerdict | null;
  guidance: string[];
}

/** The card is its function 0 (the GPU, not its audio function); any endpoint when there is no fn 0. */
export function cardOf(devices: readonly PciDevice[]): PciDevice | null {
  const endpoints = devices.filter((d) => !d.isBridge);
  return endpoints.find((d) => d.fn === 0) ?? endpoints[0] ?? null;
}

export function slotPower(view: SlotView, userPower: readonly UserCardPower[]): SlotPower | null {
  const budgetW = view.slot.powerBudgetW;
  if (budgetW === null) return null;
  const card = cardOf(view.devices);
  const power = card ? cardPower(vendorDevice(card), userPower) : null;
  const verdict = power ? powerVerdict(power.watts, budgetW) : null;
  const guidance = [
    'Power the board off and disconnect every power source before plugging or unplugging a card: a discharge can damage the card or the board (seed manual).',
    `A desktop slot gives ${DESKTOP_SLOT_POWER_W} W at 12 V; this slot gives ${budgetW} W. A card that tries to draw more may not work and may damage the board.`,
    power?.activeCooler
      ? 'This card has an active cooler (a fan): check its maximum power carefully before its first power-on.'
      : 'A card with an active cooler (a fan) deserves care before its first power-on: check its maximum power first.',
  ];
  return {
    budgetW,
    budgetSource: view.slot.powerBudgetSource,
    desktopW: DESKTOP_SLOT_POWER_W,
    card: card ? { address: card.address, vendorDevice: vendorDevice(card), name: power?.knownName ?? deviceName(card) } : null,
    power,
    verdict,
    guidance,
  };
}
