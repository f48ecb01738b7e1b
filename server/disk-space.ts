// Free space in the data directory (database, console histories): one verdict, shown by preflight and
// the overview, so a full disk is seen coming instead of found in failing writes.
import fs from 'node:fs';

export interface DiskSpace {
  dir: string;
  freeBytes: number;
  totalBytes: number;
  state: 'ok' | 'warn' | 'fail';
  /** one sentence: how much is free, and what happens when it runs out */
  message: string;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/** below this, writes are about to fail */
export const DISK_FAIL_BYTES = 64 * MiB;
/** below this (or 5 % of the file system), warn */
export const DISK_WARN_BYTES = 1 * GiB;

const size = (n: number) => (n >= GiB ? `${(n / GiB).toFixed(1)} GiB` : `${Math.round(n / MiB)} MiB`);

export function dataDiskSpace(dir: string): DiskSpace | null {
  let st: fs.StatsFs;
  try {
    st = fs.statfsSync(dir);
  } catch {
    return null;
  }
  const freeBytes = st.bavail * st.bsize;
  const totalBytes = st.blocks * st.bsize;
  const state = freeBytes < DISK_FAIL_BYTES ? 'fail' : freeBytes < DISK_WARN_BYTES || freeBytes < totalBytes * 0.05 ? 'warn' : 'ok';
  const free = `${size(freeBytes)} free of ${size(totalBytes)} in ${dir}`;
  const message =
    state === 'ok'
      ? free
      : `${free}: ${state === 'fail' ? 'nearly full' : 'running low'}. When it is full, console history is not recorded (live output still shows) and settings cannot be saved.`;
  return { dir, freeBytes, totalBytes, state, message };
}
