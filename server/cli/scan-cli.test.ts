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

function jetvm(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, JETVM_DATA_DIR: path.join(cwd, 'data') } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

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
    expect(r.stdout).toMatch(/^0000:00:05\.0 +Root port 0000:00:05\.0 +0000:00:05\.0 +0000:03:00\.0 1234:1111 +bochs-drm +16\.0 GT\/s x32 \/ 16\.0 GT\/s x32 +-$/m);
    expect(r.stdout).toMatch(/^ +0000:03:00\.1 Intel Corporation 82801I \(ICH9 Family\) HD Audio Controller +snd_hda_intel +16\.0 GT\/s x32/m);
    expect(r.stdout).toMatch(/^2 +no +0000:00:05\.0 \[pcieport\], 0000:03:00\.0 \[bochs-drm\], 0000:03:00\.1 \[snd_hda_intel\]$/m);
    expect(r.stdout).toMatch(/^0000:03:00\.0 +BAR0 +32-bit prefetchable +0x0000000010000000 +16M$/m);
  });

  it('--json prints the documented document', () => {
    const r = jetvm('scan', '--json', '--sysfs-root', tree);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as ScanJson;
    expect(doc.version).toBe(1);
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
