import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, unpackFixture } from '../host/scan/fixtures';
import type { ScanJson } from './scan-json';

// The CLI as a user runs it: bin/jetvm.mjs in a separate process, from another working directory.
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/jetvm.mjs');
let cwd: string;
let tree: string;

// JETVM_HOST=sim always: a test must never scan this machine's real /sys
function jetvmWith(env: Record<string, string>, ...args: string[]) {
  // as from a shell: no VITEST or LOG_LEVEL, which would quiet the logger for us
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'LOG_LEVEL'));
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...base, JETVM_HOST: 'sim', JETVM_DATA_DIR: path.join(cwd, 'data'), ...env } as unknown as NodeJS.ProcessEnv,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const jetvm = (...args: string[]) => jetvmWith({}, ...args);

beforeAll(() => {
  cwd = makeTempDir('jetvm-cli-');
  tree = unpackFixture('gpu', path.join(cwd, 'gpu-tree'));
});
afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

describe('jetvm scan --sysfs-root', () => {
  it('prints slots, devices, groups, BARs and warnings as tables', () => {
    const r = jetvm('scan', '--sysfs-root', 'gpu-tree'); // relative to the cwd
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const section of ['SLOTS', 'DEVICES', 'IOMMU GROUPS', 'BARS', 'WARNINGS (0)']) expect(r.stdout).toContain(`\n${section}\n`);
    // VGA and HDA have no link files of their own (conventional PCI in QEMU): the root port's link is shown
    expect(r.stdout).toMatch(/^0000:00:05\.0 +Root port 0000:00:05\.0 +0000:00:05\.0 +0000:03:00\.0 Device 1234:1111 +bochs-drm +16\.0 GT\/s x32 \/ 16\.0 GT\/s x32 +-$/m);
    expect(r.stdout).toMatch(/^ +0000:03:00\.1 Intel Corporation 82801I \(ICH9 Family\) HD Audio Controller +snd_hda_intel +16\.0 GT\/s x32/m);
    expect(r.stdout).toMatch(/^2 +no +0000:00:05\.0 \[pcieport\], 0000:03:00\.0 \[bochs-drm\], 0000:03:00\.1 \[snd_hda_intel\]$/m);
    expect(r.stdout).toMatch(/^0000:03:00\.0 +BAR0 +32-bit prefetchable +0x0000000010000000 +16M$/m);
  });

  it('--json prints the documented document', () => {
    const r = jetvm('scan', '--json', '--sysfs-root', tree);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as ScanJson;
    expect(doc.version).toBe(2);
    expect(doc.host).toEqual({ mode: 'tree', root: tree });
    expect(doc.board.id).toBe('generic');
    expect(doc.board.slots.find((s) => s.id === '0000:00:05.0')).toMatchObject({ rootPort: '0000:00:05.0', devices: ['0000:03:00.0', '0000:03:00.1'] });
    expect(doc.board.unplaced).toEqual(['0000:00:00.0']);
    expect(doc.snapshot.devices).toHaveLength(8);
    expect(doc.snapshot.groups.map((g) => g.id)).toEqual([0, 1, 2]);
    expect(Object.keys(doc)).toEqual(['version', 'host', 'board', 'snapshot']);
  });

  it('reports a damaged tree in its warnings and still exits 0', () => {
    const damaged = unpackFixture('gpu', path.join(cwd, 'damaged'));
    fs.writeFileSync(path.join(damaged, 'sys/devices/platform/4010000000.pcie/pci0000:00/0000:00:04.0/0000:02:00.0/resource'), 'junk\n');
    const r = jetvm('scan', '--sysfs-root', damaged);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/WARNINGS \(1\)\nsys\/devices\/.*0000:02:00\.0\/resource: line 1 is not/);
  });
});

describe('jetvm scan without --sysfs-root: the configured host', () => {
  it('scans the simulated Orin in JETVM_DATA_DIR, with nothing but JSON on stdout', () => {
    const r = jetvmWith({ JETVM_SIM_CARD: 'p1000' }, 'scan', '--json');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as ScanJson;
    expect(doc.host).toEqual({ mode: 'sim', root: path.join(cwd, 'data/sim/root') });
    expect(doc.board.id).toBe('jetson-agx-orin-devkit');
    const x8 = doc.board.slots.find((s) => s.id === 'x8')!;
    expect(x8).toMatchObject({ controller: 'C5', powerBudgetW: 40, rootPort: '0005:00:00.0', devices: ['0005:01:00.0', '0005:01:00.1'] });
    expect(doc.snapshot.devices.find((d) => d.address === '0005:01:00.0')!.device.id).toBe('1cb1'); // the P1000
    expect(doc.snapshot.warnings).toEqual([]);
  });

  it('prints the Orin slots with their power budget', () => {
    const r = jetvmWith({ JETVM_SIM_CARD: 't600' }, 'scan');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^x8 +Full-size PCIe slot .* 0005:00:00\.0 +0005:01:00\.0 NVIDIA Corporation TU117GL \[T600\] +\S+ +.* 40 W \(desktop 75 W\)$/m);
    expect(r.stdout).toMatch(/^m2e +M\.2 Key E .*RTL8822CE/m);
  });

  it('a broken configuration fails with exit status 1 and the reason', () => {
    const r = jetvmWith({ JETVM_HOST: 'bogus' }, 'scan');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/JETVM_HOST must be "real" or "sim"/);
  });
});

describe('bad input is a usage error with exit status 2', () => {
  it.each([
    [['scan', '--bogus'], /Unknown option '--bogus'/],
    [['scan', '--sysfs-root'], /--sysfs-root/],
    [['scan', '--sysfs-root', '/nonexistent/tree'], /--sysfs-root \/nonexistent\/tree: not a directory/],
    [['scan', 'extra'], /positional argument/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('%j', (args, message) => {
    const r = jetvm(...args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('usage: jetvm scan');
  });

  it('help prints the usage and exits 0', () => {
    const r = jetvm('help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--sysfs-root DIR');
  });
});
