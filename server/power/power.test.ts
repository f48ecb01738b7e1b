import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../db';
import { KNOWN_CARDS, knownCard } from './cards';
import { cardPower } from './lookup';
import { setCardWattsInput } from './schema';
import { clearUserCardPower, getUserCardPower, listUserCardPower, setUserCardPower } from './store';

describe('built-in card table', () => {
  it.each([
    ['10de:1ff2', 30],
    ['10de:1fb1', 40],
    ['10de:1cb1', 47],
    ['10de:1ff0', 50],
    ['10de:25b2', 50],
    ['10de:25b0', 50],
    ['10de:2531', 70],
    ['10de:1f82', 75],
  ])('%s draws up to %d W (docs/sources/orin-facts.md)', (id, watts) => {
    expect(knownCard(id)?.maxWatts).toBe(watts);
  });

  it('has one row per ID, each with a source', () => {
    expect(new Set(KNOWN_CARDS.map((c) => c.vendorDevice)).size).toBe(KNOWN_CARDS.length);
    for (const c of KNOWN_CARDS) {
      expect(c.vendorDevice).toMatch(/^[0-9a-f]{4}:[0-9a-f]{4}$/);
      expect(c.source.length).toBeGreaterThan(10);
    }
  });
});

describe('card power in SQLite', () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-power-'));
    db = openDb(dir);
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a user entry overrides the table, and clearing it brings the table back', () => {
    expect(cardPower('10de:1cb1', listUserCardPower(db))).toMatchObject({ watts: 47, origin: 'builtin', activeCooler: true, unverified: true });
    setUserCardPower(db, '10de:1cb1', 36, 'measured at the wall');
    const over = cardPower('10de:1cb1', listUserCardPower(db));
    expect(over).toMatchObject({ watts: 36, origin: 'user', builtinWatts: 47, knownName: 'NVIDIA Quadro P1000', unverified: false });
    expect(over.source).toContain('measured at the wall');
    expect(clearUserCardPower(db, '10de:1cb1')).toBe(true);
    expect(clearUserCardPower(db, '10de:1cb1')).toBe(false);
    expect(cardPower('10de:1cb1', listUserCardPower(db)).origin).toBe('builtin');
  });

  it('stores a card the table does not know, and updates it in place', () => {
    expect(cardPower('1234:5678', [])).toMatchObject({ watts: null, origin: 'unknown', source: null });
    setUserCardPower(db, '1234:5678', 25, '');
    setUserCardPower(db, '1234:5678', 28, 'datasheet');
    expect(listUserCardPower(db)).toHaveLength(1);
    expect(getUserCardPower(db, '1234:5678')).toMatchObject({ maxWatts: 28, note: 'datasheet' });
    expect(cardPower('1234:5678', listUserCardPower(db))).toMatchObject({ watts: 28, origin: 'user' });
  });

  it('survives reopening the file', () => {
    setUserCardPower(db, '10de:1ff2', 31, '');
    db.close();
    db = openDb(dir);
    expect(getUserCardPower(db, '10de:1ff2')?.maxWatts).toBe(31);
  });
});

describe('setCardWatts input', () => {
  it('accepts and normalises a good entry', () => {
    expect(setCardWattsInput.parse({ vendorDevice: ' 10DE:1CB1 ', watts: 47 })).toEqual({ vendorDevice: '10de:1cb1', watts: 47, note: '' });
  });
  it.each([
    [{ vendorDevice: '10de-1cb1', watts: 40 }, 'vendor:device'],
    [{ vendorDevice: '10de:1cb', watts: 40 }, 'vendor:device'],
    [{ vendorDevice: '10de:1cb1', watts: 0 }, 'at least 1 W'],
    [{ vendorDevice: '10de:1cb1', watts: 601 }, '600 W'],
    [{ vendorDevice: '10de:1cb1', watts: Number.NaN }, ''],
    [{ vendorDevice: '10de:1cb1', watts: '40' }, 'number'],
    [{ vendorDevice: '10de:1cb1', watts: 40, note: 'x'.repeat(201) }, '200 characters'],
  ])('refuses %j', (input, message) => {
    const r = setCardWattsInput.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.message).join(' ')).toContain(message);
  });
});
