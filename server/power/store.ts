// Users' own figures for cards, one row per vendor:device in SQLite (table card_power, migration 001_core).
import type { Db } from '../db';

export interface UserCardPower {
  vendorDevice: string;
  maxWatts: number;
  note: string | null;
  updatedAt: string;
}

interface Row {
  vendor_device: string;
  max_watts: number;
  note: string | null;
  updated_at: string;
}

const fromRow = (r: Row): UserCardPower => ({ vendorDevice: r.vendor_device, maxWatts: r.max_watts, note: r.note, updatedAt: r.updated_at });

export function listUserCardPower(db: Db): UserCardPower[] {
  return (db.prepare('SELECT * FROM card_power ORDER BY vendor_device').all() as Row[]).map(fromRow);
}

export function getUserCardPower(db: Db, vendorDevice: string): UserCardPower | null {
  const row = db.prepare('SELECT * FROM card_power WHERE vendor_device = ?').get(vendorDevice) as Row | undefined;
  return row ? fromRow(row) : null;
}

/** Inputs are validated at the edge (schema.ts); this stores them as given. */
export function setUserCardPower(db: Db, vendorDevice: string, maxWatts: number, note: string | null): UserCardPower {
  const updatedAt = new Date().toISOString();
  db.prepare(
    `INSERT INTO card_power (vendor_device, max_watts, note, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(vendor_device) DO UPDATE SET max_watts = excluded.max_watts, note = excluded.note, updated_at = excluded.updated_at`,
  ).run(vendorDevice, maxWatts, note || null, updatedAt);
  return { vendorDevice, maxWatts, note: note || null, updatedAt };
}

/** true when there was an entry to remove */
export function clearUserCardPower(db: Db, vendorDevice: string): boolean {
  return db.prepare('DELETE FROM card_power WHERE vendor_device = ?').run(vendorDevice).changes > 0;
}
