import type { Db } from './index';

interface Closable {
  /** runs before the database closes (a last try at writes that waited for disk space) */
  close(): void;
}

const beforeClose = new WeakMap<Db, Closable[]>();

/**
 * State that belongs to one open database (writes waiting for disk space): made on first use,
 * kept beside the handle and gone with it, so each dashboard (and each test's database) has its own.
 * closeDb() closes it before the database.
 */
export function perDb<T extends Closable>(make: (db: Db) => T): (db: Db) => T {
  const made = new WeakMap<Db, T>();
  return (db) => {
    let v = made.get(db);
    if (v === undefined) {
      made.set(db, (v = make(db)));
      beforeClose.set(db, [...(beforeClose.get(db) ?? []), v]);
    }
    return v;
  };
}

/** Closes the database after what belongs to it. */
export function closeDb(db: Db): void {
  for (const s of beforeClose.get(db) ?? []) s.close();
  db.close();
}
