import { describe, expect, it } from 'vitest';
import { powerVerdict } from './verdict';

describe('powerVerdict against the Orin x8 slot (40 W)', () => {
  it.each([
    // card, watts, tone, label
    ['GTX 1650', 75, 'bad', 'over budget'],
    ['RTX A2000', 70, 'bad', 'over budget'],
    ['T1000', 50, 'bad', 'over budget'],
    ['P1000', 47, 'bad', 'over budget'],
    ['just over', 40.5, 'bad', 'over budget'],
    ['T600', 40, 'warn', 'at the limit'],
    ['seed trial card', 34, 'warn', 'at the limit'],
    ['T400', 30, 'warn', 'at the limit'],
    ['just under', 29.9, 'ok', 'fits'],
    ['small card', 10, 'ok', 'fits'],
  ] as const)('%s (%d W) → %s', (_card, watts, tone, label) => {
    const v = powerVerdict(watts, 40);
    expect(v.tone).toBe(tone);
    expect(v.label).toBe(label);
    expect(v.watts).toBe(watts);
    expect(v.budgetW).toBe(40);
  });

  it('says why an over-budget card is red, with both numbers and the desktop comparison', () => {
    expect(powerVerdict(47, 40).reason).toBe('draws up to 47 W; this slot gives 40 W (a desktop slot gives 75 W)');
  });

  it('says "at the limit" for 30–40 W', () => {
    expect(powerVerdict(40, 40).reason).toBe('at the limit: draws up to 40 W; this slot gives 40 W (a desktop slot gives 75 W)');
  });

  it.each([null, NaN, 0, -5, Infinity])('unknown power (%s) asks for the card maximum', (watts) => {
    const v = powerVerdict(watts, 40);
    expect(v).toMatchObject({ tone: 'unknown', watts: null, label: 'unknown' });
    expect(v.reason).toBe("unknown — enter the card's maximum power");
  });

  it('scales with the slot: a 75 W desktop slot takes a 70 W card at the limit', () => {
    expect(powerVerdict(70, 75).tone).toBe('warn');
    expect(powerVerdict(50, 75).tone).toBe('ok');
    expect(powerVerdict(47.5, 40).reason).toContain('47.5 W');
  });
});
