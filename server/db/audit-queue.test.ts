// Audit entries a real full disk refuses (a 1 MiB tmpfs; mounting needs root).
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from './index';
import { auditQueue, listAudit, recordAudit } from './audit';
import { announceAuditChanges } from './audit-announce';
import { closeDb } from './per-db';
import { AuditQueue } from './audit-queue';
import type { AuditEntry } from './audit';
import { canMount, mountSmallDisk, type SmallDisk } from './testing/small-disk';

const entry = (target: string): AuditEntry => ({ actor: 'ann', remote: '10.0.0.2', action: 'power.clear-card-watts', target, detail: { before: 10 }, result: 'ok' });
const one = (target: string, at = new Date().toISOString()) => ({ kind: 'one' as const, entry: entry(target), at });
const failedLogin = (name: string, at: string) => ({
  kind: 'counted' as const,
  entry: { actor: name, remote: '10.0.0.9', action: 'login' as const, result: 'error' as const, detail: { reason: 'wrong name or password' } },
  windowMs: 600_000,
  tally: { attempts: 1, names: [name], first: at, last: at },
});

describe.skipIf(!canMount)('audit entries on a full disk', () => {
  let disk: SmallDisk;
  let db: Db;
  let n = 0;
  const fill = () => disk.fill([db]);
  beforeEach(() => {
    db?.close();
    disk?.free();
    disk ??= mountSmallDisk('1m');
    db = openDb(path.join(disk.dir, `data-${n++}`));
  });
  afterAll(() => {
    db?.close();
    disk?.unmount();
  });

  it('writes at once while there is space, queues in order while full, writes the queue when space returns', () => {
    const q = new AuditQueue(db, { retryFirstMs: 60_000 });
    q.record(one('a'));
    expect(listAudit(db).map((r) => r.target)).toEqual(['a']);
    fill();
    q.record(one('b'));
    q.record(one('c'));
    expect([q.size, listAudit(db).length]).toEqual([2, 1]);
    expect(q.flush()).toBe(false);
    disk.free();
    q.record(one('d')); // the next entry writes what waited first
    expect(q.size).toBe(0);
    expect(listAudit(db).map((r) => r.target).reverse()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('is retried with backoff, without anyone writing', async () => {
    const written: number[] = [];
    const q = new AuditQueue(db, { retryFirstMs: 20, onWritten: () => written.push(Date.now()) });
    fill();
    q.record(one('x'));
    await new Promise((r) => setTimeout(r, 100));
    expect(q.size).toBe(1);
    disk.free();
    for (let i = 0; q.size > 0 && i < 100; i++) await new Promise((r) => setTimeout(r, 20));
    expect([q.size, written.length, listAudit(db).map((r) => r.target)]).toEqual([0, 1, ['x']]);
  });

  it('keeps the newest `max`, and says how many were lost and when', () => {
    const q = new AuditQueue(db, { max: 3, retryFirstMs: 60_000 });
    fill();
    const times = ['2026-01-01T00:00:01.000Z', '2026-01-01T00:00:02.000Z', '2026-01-01T00:00:03.000Z', '2026-01-01T00:00:04.000Z', '2026-01-01T00:00:05.000Z'];
    times.forEach((at, i) => q.record(one(`e${i}`, at)));
    expect([q.size, q.lostCount]).toEqual([3, 2]);
    disk.free();
    expect(q.flush()).toBe(true);
    const rows = listAudit(db).reverse();
    expect(rows.map((r) => [r.action, r.target])).toEqual([['audit.lost', null], ['power.clear-card-watts', 'e2'], ['power.clear-card-watts', 'e3'], ['power.clear-card-watts', 'e4']]);
    expect(rows[0]).toMatchObject({ result: 'error', detail: { lost: 2, from: times[0], to: times[1] } });
    expect(rows.slice(1).map((r) => r.at)).toEqual(times.slice(2));
  });

  it('counts a flood of failed logins into one queued entry, then into the row of the window', () => {
    const q = new AuditQueue(db, { max: 2, retryFirstMs: 60_000 });
    q.record(failedLogin('ann', '2026-01-01T00:00:00.000Z'));
    fill();
    for (let i = 1; i <= 50; i++) q.record(failedLogin(i % 2 ? 'bob' : 'ann', `2026-01-01T00:01:${String(i).padStart(2, '0')}.000Z`));
    q.record(one('kept'));
    expect([q.size, q.lostCount]).toEqual([2, 0]);
    disk.free();
    q.flush();
    const rows = listAudit(db).reverse();
    expect(rows.map((r) => [r.action, r.target])).toEqual([['login', null], ['power.clear-card-watts', 'kept']]);
    expect(rows[0].detail).toEqual({ reason: 'wrong name or password', attempts: 51, names: ['ann', 'bob'], last: '2026-01-01T00:01:50.000Z' });
  });

  it('passes on errors that are not a full disk', () => {
    const q = new AuditQueue(db);
    expect(() => q.record({ ...one('x'), entry: { ...entry('x'), result: undefined as never } })).toThrow(/NOT NULL/);
    expect(q.size).toBe(0);
  });
});

describe.skipIf(!canMount)('the live "audit changed" event on a full disk', () => {
  it('fires for an entry that waits, and again when it is written', async () => {
    const disk = mountSmallDisk('1m');
    const db = openDb(path.join(disk.dir, 'data'));
    const seen: string[] = [];
    announceAuditChanges(db, { publish: (e) => seen.push(e.kind) });
    try {
      disk.fill([db]);
      recordAudit(db, entry('waits'));
      expect([auditQueue(db).size, seen]).toEqual([1, ['audit']]);
      disk.free();
      expect(auditQueue(db).flush()).toBe(true);
      expect(seen).toEqual(['audit', 'audit']);
    } finally {
      closeDb(db);
      disk.unmount();
    }
  });
});
