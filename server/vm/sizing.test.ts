// A VM's size against the host: the pure rules, the repo (real SQLite) refusing an oversize definition,
// and a start refused when the running VMs (one real TCG guest) leave too little memory.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../db/audit';
import { openDb } from '../db';
import { VmRepo } from './repo';
import { currentClaims, runRows } from './run-store';
import { DEFAULT_PINNED_MIB, HOST_RESERVE_MIB, largestPinnedGuest, sizeIssues, sizeLimits, startSizeChecks } from './sizing';
import { StartRefusedError, type Supervisor } from './supervisor';
import { demoVmInput, makeHarness, type Harness } from './testing/harness';
import type { VmDefinition } from './types';

const MiB = 1024 * 1024;
/** an AGX Orin 32 GB, about: 8 cores, MemTotal 30.4 GiB (firmware carve-outs take the rest) */
const ORIN_32 = { cpus: 8, memoryBytes: 31_875_000 * 1024 };
const UNKNOWN = { cpus: null, memoryBytes: null };
const vm = (name: string, memoryMiB: number, vcpus = 1) => ({ name, memoryMiB, vcpus }) as VmDefinition;

describe('sizing rules', () => {
  it('a VM may have the host\'s CPUs and its memory less the reserve; unknown facts fall back to the static limits', () => {
    expect(sizeLimits(ORIN_32)).toEqual({ ...ORIN_32, maxVcpus: 8, maxMemoryMiB: 31_127 - HOST_RESERVE_MIB, reserveMiB: 1024 });
    expect(sizeLimits(UNKNOWN)).toMatchObject({ maxVcpus: 12, maxMemoryMiB: 65_536 });
    expect(sizeLimits({ cpus: 1, memoryBytes: 512 * MiB }).maxMemoryMiB).toBe(0);
  });

  it('names the host\'s figures when a definition does not fit', () => {
    expect(sizeIssues({ vcpus: 8, memoryMiB: 30_103 }, ORIN_32)).toEqual([]);
    expect(sizeIssues({ vcpus: 9, memoryMiB: 30_104 }, ORIN_32)).toEqual([
      { path: ['vcpus'], message: 'the host has 8 CPUs: at most 8 vCPUs' },
      { path: ['memoryMiB'], message: 'the host has 30.4 GiB: at most 30103 MiB (1024 MiB stay for the host)' },
    ]);
    expect(sizeIssues({ vcpus: 12, memoryMiB: 65_536 }, UNKNOWN)).toEqual([]);
  });

  it('a start is refused when the running VMs and this one need more memory than the host has; vCPUs may be overcommitted', () => {
    const running = [vm('a', 16_384, 6), vm('b', 8_192, 2)];
    const [refused] = startSizeChecks(vm('c', 8_192, 4), running, ORIN_32);
    expect(refused).toMatchObject({ code: 'host-memory', severity: 'error' });
    expect(refused.message).toBe(
      'not enough memory: the running VMs hold 24576 MiB (a 16384 MiB, b 8192 MiB) and this VM needs 8192 MiB, more than the 30103 MiB the host has for VMs (30.4 GiB less 1024 MiB for the host)',
    );
    const fits = startSizeChecks(vm('c', 4_096, 4), running, ORIN_32);
    expect(fits).toEqual([{ code: 'host-cpus', severity: 'warning', message: 'the running VMs and this one have 12 vCPUs on the host\'s 8 CPUs: they share them (overcommitted)' }]);
    // the VM itself among the running ones (checks shown while it runs) is not counted twice
    expect(startSizeChecks(vm('a', 16_384), running, ORIN_32)).toEqual([]);
    expect(startSizeChecks(vm('c', 60_000), running, UNKNOWN)).toEqual([]);
  });

  it('preflight assumes the largest VM that passes devices through (vfio pins its RAM), not one that passes none', () => {
    const passing = (name: string, memoryMiB: number, devices: string[]) => ({ name, memoryMiB, devices });
    expect(largestPinnedGuest([])).toEqual({ mib: DEFAULT_PINNED_MIB, vm: null });
    expect(largestPinnedGuest([passing('big', 16_384, [])])).toEqual({ mib: DEFAULT_PINNED_MIB, vm: null });
    expect(largestPinnedGuest([passing('big', 16_384, []), passing('gpu', 512, ['0005:01:00.0']), passing('wifi', 2_048, ['0001:01:00.0'])])).toEqual({ mib: 2_048, vm: 'wifi' });
  });
});

describe('VmRepo on an Orin 32 GB', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-sizing-'));
    fs.writeFileSync(path.join(dir, 'Image'), 'kernel');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses an oversize create or update with the host\'s figures and changes nothing', () => {
    const db = openDb(path.join(dir, 'data'));
    try {
      const repo = new VmRepo(db, [dir], ORIN_32);
      const kernel = path.join(dir, 'Image');
      expect(() => repo.create({ name: 'big', kernel, memoryMiB: 256, vcpus: 10 })).toThrow('vcpus: the host has 8 CPUs: at most 8 vCPUs');
      expect(() => repo.create({ name: 'big', kernel, memoryMiB: 32_768, vcpus: 1 })).toThrow('memoryMiB: the host has 30.4 GiB: at most 30103 MiB (1024 MiB stay for the host)');
      expect(repo.list()).toEqual([]);
      const ok = repo.create({ name: 'ok', kernel, memoryMiB: 30_103, vcpus: 8 });
      expect(() => repo.update('ok', { vcpus: 9 })).toThrow(/the host has 8 CPUs/);
      expect(repo.get('ok')).toEqual(ok);
      // the zod shape check stays the first gate
      expect(() => repo.create({ name: 'big', kernel, memoryMiB: 256, vcpus: 13 })).toThrow(/vcpus: .*12/);
    } finally {
      db.close();
    }
  });
});

describe('a start against the memory the running VMs hold (real TCG guest)', () => {
  let h: Harness;
  let sup: Supervisor;
  const actor = { actor: 'tester', remote: null };
  beforeAll(async () => {
    h = await makeHarness();
    // room for one 256 MiB guest, not two
    sup = h.supervisor({ hostSize: { cpus: 12, memoryBytes: (HOST_RESERVE_MIB + 400) * MiB } });
    sup.repo.create({ ...demoVmInput(h.guest, 'first'), devices: [] });
    sup.repo.create(demoVmInput(h.guest, 'second'));
    sup.repo.create({ ...demoVmInput(h.guest, 'third'), devices: [] });
  });
  afterAll(async () => {
    for (const s of sup.list()) if (s.pid) await sup.forceStop(s.name, actor).catch(() => undefined);
    await h.cleanup();
  });

  it('is refused while another VM holds the memory, naming it; no claim, no QEMU, the refusal audited', async () => {
    await sup.start('first', actor);
    const err = await sup.start('second', actor).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartRefusedError);
    expect((err as Error).message).toBe(
      'VM "second" was not started: not enough memory: the running VMs hold 256 MiB (first 256 MiB) and this VM needs 256 MiB, more than the 400 MiB the host has for VMs (1.4 GiB less 1024 MiB for the host)',
    );
    expect(sup.status('second')).toMatchObject({ state: 'stopped', pid: null });
    expect(runRows(h.db).map((r) => r.vm)).toEqual(['first']);
    expect([...currentClaims(h.db).values()]).toEqual([]);
    expect(listAudit(h.db, 5).find((a) => a.target === 'second')).toMatchObject({ action: 'vm.start', result: 'refused' });
    await sup.forceStop('first', actor);
    expect(sup.checks('second').some((c) => c.code === 'host-memory')).toBe(false);
  });

  it('of two racing starts that do not both fit, one wins: the other counts the first while its QEMU is still coming up', async () => {
    const results = await Promise.allSettled([sup.start('first', actor), sup.start('third', actor)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as Error;
    expect(lost).toBeInstanceOf(StartRefusedError);
    expect(lost.message).toMatch(/^VM "(first|third)" was not started: not enough memory: the running VMs hold 256 MiB \((first|third) 256 MiB\)/);
    expect(runRows(h.db)).toHaveLength(1);
  });
});
