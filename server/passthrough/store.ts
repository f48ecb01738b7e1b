// SQLite rows of the passthrough area (migration 040_passthrough).
import type { Db } from '../db';
import type { BootDevice, WrittenFile } from './boot';
import type { EndpointOriginal } from './types';

export function recordOriginals(db: Db, group: number | null, originals: EndpointOriginal[]): void {
  const now = new Date().toISOString();
  const put = db.prepare(
    'INSERT INTO passthrough_originals (address, group_id, driver, driver_override, recorded_at) VALUES (?, ?, ?, ?, ?) ' +
      'ON CONFLICT(address) DO NOTHING',
  );
  // an endpoint already on vfio-pci keeps the original recorded when jetvm first bound it
  db.transaction(() => originals.filter((o) => o.driver !== 'vfio-pci').forEach((o) => put.run(o.address, group, o.driver, o.driverOverride, now)))();
}

export function loadOriginals(db: Db): EndpointOriginal[] {
  return (db.prepare('SELECT address, driver, driver_override AS driverOverride FROM passthrough_originals ORDER BY address').all() as EndpointOriginal[]);
}

export function forgetOriginals(db: Db, addresses: string[]): void {
  const del = db.prepare('DELETE FROM passthrough_originals WHERE address = ?');
  db.transaction(() => addresses.forEach((a) => del.run(a)))();
}

export function loadBootDevices(db: Db): BootDevice[] {
  return db.prepare('SELECT address, vendor, device, host_driver AS hostDriver FROM boot_devices ORDER BY address').all() as BootDevice[];
}

export function saveBootDevices(db: Db, devices: BootDevice[]): void {
  const now = new Date().toISOString();
  db.transaction(() => {
    db.prepare('DELETE FROM boot_devices').run();
    const put = db.prepare('INSERT INTO boot_devices (address, vendor, device, host_driver, added_at) VALUES (?, ?, ?, ?, ?)');
    for (const d of devices) put.run(d.address, d.vendor, d.device, d.hostDriver, now);
  })();
}

export function loadBootFiles(db: Db): WrittenFile[] {
  return db.prepare('SELECT path, sha256 FROM boot_files ORDER BY path').all() as WrittenFile[];
}

export function saveBootFiles(db: Db, files: WrittenFile[]): void {
  const now = new Date().toISOString();
  db.transaction(() => {
    db.prepare('DELETE FROM boot_files').run();
    const put = db.prepare('INSERT INTO boot_files (path, sha256, written_at) VALUES (?, ?, ?)');
    for (const f of files) put.run(f.path, f.sha256, now);
  })();
}
