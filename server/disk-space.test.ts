// The data disk's verdict on real file systems: this machine's temp dir, and a nearly full tmpfs (as root).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDiskSpace } from './disk-space';

describe('data disk space', () => {
  it('reads free and total space of the directory\'s file system', () => {
    const d = dataDiskSpace(os.tmpdir())!;
    const st = fs.statfsSync(os.tmpdir());
    expect(d.totalBytes).toBe(st.blocks * st.bsize);
    expect(d.freeBytes).toBeGreaterThan(0);
    expect(d.message).toContain(`free of`);
  });

  it('is null for a directory that does not exist', () => {
    expect(dataDiskSpace('/nonexistent/jetvm-data')).toBeNull();
  });

  it.skipIf(process.getuid?.() !== 0)('fails on a nearly full file system (16 MiB tmpfs; needs root)', () => {
    const mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-disk-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mnt]);
    try {
      expect(dataDiskSpace(mnt)).toMatchObject({ state: 'fail', message: expect.stringMatching(/nearly full\. When it is full, console history is not recorded/) });
    } finally {
      execFileSync('umount', [mnt]);
      fs.rmdirSync(mnt);
    }
  });
});
