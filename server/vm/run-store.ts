// The SQL of VM runs: which process runs each VM (vm_runs) and which running VM holds which device
// (vm_device_claims). Claiming is one IMMEDIATE SQLite transaction over primary keys, so of two starts
// sharing a VM or a device (in this process or another) exactly one wins. Device claims are written only
// through server/devices/ownership.ts, which holds the host lock around them.
import { parsePciAddress, type PciAddress } from '../../common/pci-address';
import type { Db } from '../db';

export interface ClaimConflict {
  address: string;
  vm: string;
}

export function currentClaims(db: Db): Map<PciAddress, string> {
  const rows = db.prepare('SELECT address, vm FROM vm_device_claims').all() as Array<{ address: string; vm: string }>;
  return new Map(rows.flatMap((r) => {
    const address = parsePciAddress(r.address);
    return address ? [[address, r.vm] as const] : [];
  }));
}

/** Running VMs and the host devices each holds, addresses sorted. */
export function claimsByVm(db: Db): Array<{ vm: string; devices: PciAddress[] }> {
  const byVm = new Map<string, PciAddress[]>();
  for (const [address, vm] of currentClaims(db)) byVm.set(vm, [...(byVm.get(vm) ?? []), address]);
  return [...byVm].map(([vm, devices]) => ({ vm, devices: devices.sort() }));
}

function claimWithin(db: Db, vm: string, addresses: readonly string[]): ClaimConflict[] {
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
}

/** Claims every address for vm, or none of them: returns the conflicts (empty on success). */
export function claimDevices(db: Db, vm: string, addresses: readonly string[]): ClaimConflict[] {
  return db.transaction(() => claimWithin(db, vm, addresses)).immediate();
}

/** A vm_runs row: the QEMU a VM runs as (pid null while it is being launched) and the jetvm process watching it. */
export interface RunRow {
  vm: string;
  pid: number | null;
  /** processIdentity() of the jetvm process that started or adopted the QEMU */
  owner: string | null;
  started_at: string;
}

export interface RunStart {
  vm: string;
  runDir: string;
  sim: boolean;
  argv: readonly string[];
  startedAt: string;
  owner: string;
}

export type RunRefusal = { run: RunRow } | { conflicts: ClaimConflict[] };

/**
 * Records that a VM is being started and claims its devices, all or nothing. Refuses while the VM's
 * run row is live (isLive: its QEMU or the process starting it is still there); a dead row is replaced.
 * Returns null when the start may go ahead.
 */
export function claimRun(db: Db, start: RunStart, addresses: readonly string[], isLive: (row: RunRow) => boolean): RunRefusal | null {
  return db
    .transaction((): RunRefusal | null => {
      const row = db.prepare('SELECT vm, pid, owner, started_at FROM vm_runs WHERE vm = ?').get(start.vm) as RunRow | undefined;
      if (row && isLive(row)) return { run: row };
      const conflicts = claimWithin(db, start.vm, addresses);
      if (conflicts.length) return { conflicts };
      db.prepare('INSERT OR REPLACE INTO vm_runs (vm, pid, run_dir, sim, argv, started_at, owner) VALUES (?, NULL, ?, ?, ?, ?, ?)')
        .run(start.vm, start.runDir, start.sim ? 1 : 0, JSON.stringify(start.argv), start.startedAt, start.owner);
      return null;
    })
    .immediate();
}

/** The addresses vm holds (a read: works when the disk is full). */
export function claimedBy(db: Db, vm: string): string[] {
  return db.prepare('SELECT address FROM vm_device_claims WHERE vm = ? ORDER BY address').pluck().all(vm) as string[];
}

export function releaseDevices(db: Db, vm: string): string[] {
  return db.transaction(() => {
    const addresses = db.prepare('SELECT address FROM vm_device_claims WHERE vm = ? ORDER BY address').pluck().all(vm) as string[];
    db.prepare('DELETE FROM vm_device_claims WHERE vm = ?').run(vm);
    return addresses;
  })();
}

/** Every recorded run, as a restarted dashboard finds them. */
export function runRows(db: Db): Array<RunRow & { sim: boolean }> {
  const rows = db.prepare('SELECT vm, pid, sim, started_at, owner FROM vm_runs').all() as Array<RunRow & { sim: number }>;
  return rows.map((r) => ({ ...r, sim: r.sim === 1 }));
}

/** The launched QEMU's pid, once its pidfile is there. */
export function recordRunPid(db: Db, vm: string, pid: number): void {
  db.prepare('UPDATE vm_runs SET pid = ? WHERE vm = ?').run(pid, vm);
}

/** This process now watches the run (adopted after a dashboard restart). */
export function recordRunOwner(db: Db, vm: string, owner: string): void {
  db.prepare('UPDATE vm_runs SET owner = ? WHERE vm = ?').run(owner, vm);
}

export function forgetRun(db: Db, vm: string): void {
  db.prepare('DELETE FROM vm_runs WHERE vm = ?').run(vm);
}
