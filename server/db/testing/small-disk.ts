// A real small file system (tmpfs) to fill up: what a full data directory does to SQLite and to files.
// Mounting needs root; suites use `describe.skipIf(!canMount)`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../index';

export const canMount = process.getuid?.() === 0;

export interface SmallDisk {
  dir: string;
  /** Fills it to the last byte, the databases' write-ahead logs emptied first so every write needs new space. */
  fill(dbs?: Db[]): void;
  /** Frees what fill() took. */
  free(): void;
  unmount(): void;
}

export function mountSmallDisk(size = '8m'): SmallDisk {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-smalldisk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  const fillers = () => fs.readdirSync(dir).filter((f) => f.startsWith('filler-'));
  const writeAll = (file: string, bytes: number) => {
    try {
      fs.writeFileSync(path.join(dir, file), Buffer.alloc(bytes));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
    }
  };
  return {
    dir,
    fill(dbs = []) {
      for (const db of dbs) db.pragma('wal_checkpoint(TRUNCATE)');
      const { bavail, bsize } = fs.statfsSync(dir);
      writeAll('filler-0', bavail * bsize);
      for (let i = 1; fs.statfsSync(dir).bavail > 0; i++) writeAll(`filler-${i}`, bsize);
    },
    free() {
      for (const f of fillers()) fs.rmSync(path.join(dir, f));
    },
    unmount() {
      execFileSync('umount', [dir]);
      fs.rmdirSync(dir);
    },
  };
}
