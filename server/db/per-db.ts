import type { Db } from './index';

/**
 * State that belongs to one open database (writes waiting for disk space): made on first use,
 * kept beside the handle and gone with it, so each dashboard (and each test's database) has its own.
 */
export function perDb<T>(make: (db: Db) => T): (db: Db) => T {
  const made = new WeakMap<Db, T>();
  return (db) => {
    let v = made.get(db);
    if (v === undefined) made.set(db, (v = make(db)));
    return v;
  };
}
