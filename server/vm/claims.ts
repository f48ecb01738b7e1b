// Which running VM holds which device. Claiming is one IMMEDIATE SQLite transaction over a primary key,
// so of two starts sharing a device (in this process or another) exactly one wins.
import type { Db } from '../db';

export interface ClaimConflict {
  address: string;
  vm: string;
}

export function currentClaims(db: Db): Map<string, string> {
  const rows = db.prepare('SELECT address, vm FROM vm_device_claims').all() as Array<{ address: string; vm: string }>;
  return new Map(rows.map((r) => [r.address, r.vm]));
}

/** Claims every address for vm, or none of them: returns the conflicts (empty on success). */
export function claimDevices(db: Db, vm: string, addresses: readonly string[]): ClaimConflict[] {
  const tx = db.transaction((): ClaimConflict[] => {
    const held = db.prepare('SELECT vm FROM vm_device_claims WHERE address = ?').pluck();
    const conflicts = addresses.flatMap((address) => {
      const owner = held.get(address) as string | undefined;
      return owner && owner !== vm ? [{ address, vm: owner }] : [];
    });
    if (conflicts.length) return conflicts;
    db.prepare('DELETE FROM vm_device_claims WHERE vm = ?').run(vm);
    const insert = db.prepare('INSERT INTO vm_device_claims (address, vm, claimed_at) VALUES (?, ?, ?)');
    const now = new Date().toISOString();
    for (const address of addresses) insert.run(address, vm, now);
    return [];
  });
  return tx.immediate();
}

export function releaseDevices(db: Db, vm: string): string[] {
  return db.transaction(() => {
    const addresses = db.prepare('SELECT address FROM vm_device_claims WHERE vm = ? ORDER BY address').pluck().all(vm) as string[];
    db.prepare('DELETE FROM vm_device_claims WHERE vm = ?').run(vm);
    return addresses;
  })();
}
