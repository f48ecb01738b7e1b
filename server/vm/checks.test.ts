import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../db';
import { barFit, LOW_WINDOW_BYTES } from './bar-fit';
import { probeCaps } from './caps';
import { parseQemuVersion, qemuVersion } from './qemu-version';
import { parseCapIpcLock, parseMemlock } from '../host/machine-facts';
import { blocking, checkStart, type CheckContext } from './checks';
import { claimDevices, currentClaims, releaseDevices } from './run-store';
import { passedEndpoints } from './devices';
import { VmRepo } from './repo';
import { JETSON_CAPS, X86_CAPS, vmDef } from './testing/fixtures';
import { orinSnapshot } from './testing/orin-snapshot';
import type { Finding } from './types';
import { asPciAddress } from '../../common/pci-address';

const real: CheckContext = { claims: new Map(), sim: false };
const ids = (r: Finding[], severity?: string) => r.filter((x) => !severity || x.severity === severity).map((x) => x.code);

describe('checkStart', () => {
  it('a bound GPU group on the Jetson: nothing blocks, the BAR fit is reported', () => {
    const r = checkStart(vmDef(), orinSnapshot(), JETSON_CAPS, real);
    expect(blocking(r)).toEqual([]);
    expect(r.find((x) => x.code === 'bar-fit')?.message).toBe('BARs fit: 18 MiB of 751.9 MiB low window, 288 MiB of 512 GiB high window');
  });

  it('audio function left on its host driver: the group is not viable, said in plain words', () => {
    const r = checkStart(vmDef({ devices: ['0005:01:00.0'] }), orinSnapshot({ audioDriver: 'snd_hda_intel' }), JETSON_CAPS, real);
    expect(blocking(r)).toHaveLength(1);
    expect(blocking(r)[0]).toMatchObject({ code: 'not-on-vfio', subject: '0005:01:00.1' });
    expect(blocking(r)[0].message).toMatch(/is on snd_hda_intel, not vfio-pci: QEMU would fail with "group 12 is not viable"/);
  });

  it('a group shared with the platform PCIe controller (no overlay) is never viable', () => {
    const r = checkStart(vmDef({ devices: ['0001:01:00.0'] }), orinSnapshot(), JETSON_CAPS, real);
    expect(ids(r, 'error')).toEqual(expect.arrayContaining(['group-platform', 'not-on-vfio', 'no-group-node']));
    expect(r.find((x) => x.code === 'group-platform')?.message).toMatch(/14100000\.pcie.*overlay/);
  });

  it('missing devices and bridges', () => {
    const r = checkStart(vmDef({ devices: ['0007:01:00.0', '0005:00:00.0'] }), orinSnapshot(), JETSON_CAPS, real);
    expect(ids(r, 'error').sort()).toEqual(['bridge', 'device-missing']);
  });

  it('no /dev/vfio nodes', () => {
    const r = checkStart(vmDef(), orinSnapshot({ vfioNodes: false }), JETSON_CAPS, real);
    expect(ids(r, 'error')).toEqual(['no-vfio-container', 'no-group-node']);
  });

  it('BAR fit: a 1 TiB BAR overflows the high window; with highmem off even 1 GiB overflows the low one', () => {
    expect(ids(checkStart(vmDef(), orinSnapshot({ gpuBar1MiB: 1024 * 1024 }), JETSON_CAPS, real), 'error')).toEqual(['bar-high']);
    const off = checkStart(vmDef({ machineOptions: ['highmem=off'] }), orinSnapshot({ gpuBar1MiB: 1024 }), JETSON_CAPS, real);
    expect(ids(off, 'error')).toEqual(['bar-low']);
    expect(off.find((x) => x.code === 'bar-low')?.message).toContain("need 1074 MiB of 32-bit/non-prefetchable PCIe space, more than the virt machine's 751.9 MiB low window (no high window");
  });

  it('machine options this QEMU is too old for, or that KVM on the Orin cannot give, block the start', () => {
    const vm = vmDef({ machineOptions: ['highmem-mmio-size=1T', 'mte=on', 'virtualization=off', 'its=on'] });
    const r = blocking(checkStart(vm, orinSnapshot(), { ...JETSON_CAPS, version: '7.2.22' }, real));
    expect(r.map((x) => x.message)).toEqual([
      'machine option highmem-mmio-size=1T needs QEMU 10.0 or later (this QEMU is 7.2.22): remove it from the VM',
      'machine option mte=on works only under TCG: the Cortex-A78AE has no MTE: remove it from the VM',
    ]);
    expect(blocking(checkStart({ ...vm, machineOptions: ['highmem-mmio-size=1T'] }, orinSnapshot(), { ...JETSON_CAPS, version: '10.0.2' }, real))).toEqual([]);
    expect(blocking(checkStart({ ...vm, accel: 'tcg', machineOptions: ['mte=on'] }, orinSnapshot(), JETSON_CAPS, real))).toEqual([]);
    const noIts = blocking(checkStart({ ...vm, machineOptions: ['its=off'] }, orinSnapshot(), JETSON_CAPS, real));
    expect(noIts.map((x) => x.message)).toEqual([expect.stringMatching(/^machine option its=off cannot be used with passed devices: without an ITS there is no MSI-X/)]);
    expect(blocking(checkStart({ ...vm, devices: [], machineOptions: ['its=off'] }, orinSnapshot(), JETSON_CAPS, real))).toEqual([]);
  });

  it('BAR fit: under KVM a host IPA below 40 bits drops the high window', () => {
    const caps = { ...JETSON_CAPS, hostIpaBits: 36 };
    const r = checkStart(vmDef(), orinSnapshot({ gpuBar1MiB: 1024 }), caps, real);
    expect(ids(r, 'warning')).toEqual(['ipa-small']);
    expect(ids(r, 'error')).toEqual(['bar-low']);
    // the same card is fine under TCG, where the window always exists
    expect(blocking(checkStart(vmDef({ accel: 'tcg' }), orinSnapshot({ gpuBar1MiB: 1024 }), caps, real))).toEqual([]);
  });

  it('highmem-mmio-size must fit the host IPA: 1T on a 40-bit host is refused and says why; 512G fits; a 48-bit host takes 1T', () => {
    const QEMU10 = { ...JETSON_CAPS, version: '10.0.0' }; // highmem-mmio-size needs QEMU 10.0
    const big = vmDef({ machineOptions: ['highmem-mmio-size=1T'] });
    const r = checkStart(big, orinSnapshot(), { ...QEMU10, hostIpaBits: 40 }, real);
    expect(ids(r, 'error')).toEqual(['highmem-mmio-size-ipa']);
    expect(r.find((x) => x.code === 'highmem-mmio-size-ipa')?.message).toBe(
      "highmem-mmio-size=1T does not fit the host's 40-bit IPA: a 1024 GiB window ends at 2048 GiB, above 1024 GiB. " +
        'QEMU would drop the high window silently and push every 64-bit BAR into the 751.9 MiB low window. Leave highmem-mmio-size out (512G fits)',
    );
    // the Orin's 40 bits are assumed when dmesg did not say
    const guessed = checkStart(big, orinSnapshot(), { ...QEMU10, hostIpaBits: null }, real);
    expect(guessed.find((x) => x.code === 'highmem-mmio-size-ipa')?.message).toMatch(/40-bit IPA \(the Orin's, assumed: dmesg did not say\)/);
    expect(ids(checkStart(vmDef({ machineOptions: ['highmem-mmio-size=512G'] }), orinSnapshot(), { ...QEMU10, hostIpaBits: 40 }, real), 'error')).toEqual([]);
    const wide = checkStart(big, orinSnapshot({ gpuBar1MiB: 768 * 1024 }), QEMU10, real);
    expect(ids(wide, 'error')).toEqual([]);
    expect(wide.find((x) => x.code === 'bar-fit')?.message).toMatch(/of 1024 GiB high window/);
    // under TCG there is no host IPA to fit
    expect(ids(checkStart(vmDef({ accel: 'tcg', machineOptions: ['highmem-mmio-size=1T'] }), orinSnapshot(), { ...QEMU10, hostIpaBits: 40 }, real), 'error')).toEqual([]);
  });

  it('barFit counts 2 MiB per root port and skips a display ROM (rombar=0)', () => {
    const fns = passedEndpoints([asPciAddress('0005:01:00.0')], orinSnapshot());
    const fit = barFit(fns, true);
    expect(fit.lowUsed).toBe((2 + 16) * 1024 * 1024 + 16 * 1024);
    expect(fit.lowUsed).toBeLessThan(LOW_WINDOW_BYTES);
  });

  it('RLIMIT_MEMLOCK below guest RAM blocks a real start, not a sim one or a CAP_IPC_LOCK one', () => {
    const caps = { ...JETSON_CAPS, memlockBytes: 64 * 1024 * 1024, capIpcLock: false };
    expect(ids(checkStart(vmDef(), orinSnapshot(), caps, real), 'error')).toEqual(['memlock']);
    expect(blocking(checkStart(vmDef(), orinSnapshot(), caps, { ...real, sim: true }))).toEqual([]);
    expect(blocking(checkStart(vmDef(), orinSnapshot(), { ...caps, capIpcLock: true }, real))).toEqual([]);
  });

  it('KVM: asked for but missing blocks; auto falls back to TCG with a visible warning', () => {
    const caps = { ...X86_CAPS, memlockBytes: null };
    expect(ids(checkStart(vmDef({ accel: 'kvm' }), orinSnapshot(), caps, real), 'error')).toEqual(['kvm-missing']);
    const auto = checkStart(vmDef(), orinSnapshot(), caps, real);
    expect(blocking(auto)).toEqual([]);
    expect(auto.find((x) => x.code === 'tcg')?.message).toMatch(/TCG software emulation.*arm64 host/);
  });

  it('a device held by another running VM blocks; its own claim does not', () => {
    const claims = new Map([['0005:01:00.1', 'other']]);
    const r = checkStart(vmDef(), orinSnapshot(), JETSON_CAPS, { claims, sim: false });
    expect(blocking(r)).toMatchObject([{ code: 'claimed', subject: '0005:01:00.1' }]);
    expect(blocking(checkStart(vmDef({ name: 'other' }), orinSnapshot(), JETSON_CAPS, { claims, sim: false }))).toEqual([]);
  });

  it('QEMU missing', () => {
    expect(ids(checkStart(vmDef(), orinSnapshot(), { ...JETSON_CAPS, version: null }, real), 'error')).toEqual(['qemu-missing']);
  });
});

describe('caps', () => {
  it('parses /proc/self/limits and CapEff', () => {
    const limits = 'Limit                     Soft Limit           Hard Limit           Units\nMax locked memory         8388608              8388608              bytes\n';
    expect(parseMemlock(limits)).toBe(8388608);
    expect(parseMemlock(limits.replace(/8388608 /g, 'unlimited'))).toBeNull();
    expect(parseCapIpcLock('CapEff:\t000001ffffffffff\n')).toBe(true);
    expect(parseCapIpcLock('CapEff:\t0000000000000000\n')).toBe(false);
  });

  it('probes this machine: QEMU version, and no KVM for aarch64 guests on a non-arm64 host', async () => {
    const caps = await probeCaps('qemu-system-aarch64');
    expect(caps.version).toMatch(/^\d+\.\d+/);
    if (process.arch !== 'arm64') expect(caps).toMatchObject({ kvmUsable: false, hostIpaBits: null });
    expect((await probeCaps('/nonexistent/qemu')).version).toBeNull();
    // one read of --version, two forms: the short one compared against machine options, the full line preflight shows
    expect(parseQemuVersion('QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u16)')).toEqual({ short: '7.2.22', full: '7.2.22 (Debian 1:7.2+dfsg-7+deb12u16)' });
    expect((await qemuVersion('qemu-system-aarch64'))?.short).toBe(caps.version);
  });
});

describe('device claims', () => {
  it('all or nothing, and exactly one of two connections wins a shared device', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-claims-'));
    const a = openDb(dir);
    const b = openDb(dir);
    const kernel = path.join(dir, 'Image');
    fs.writeFileSync(kernel, 'k');
    const repo = new VmRepo(a, [dir]);
    for (const name of ['one', 'two']) repo.create({ name, kernel, memoryMiB: 256, vcpus: 1 });
    expect(claimDevices(a, 'one', ['0005:01:00.0', '0005:01:00.1'])).toEqual([]);
    expect(claimDevices(b, 'two', ['0004:01:00.0', '0005:01:00.1'])).toEqual([{ address: '0005:01:00.1', vm: 'one' }]);
    expect([...currentClaims(b).entries()].sort()).toEqual([['0005:01:00.0', 'one'], ['0005:01:00.1', 'one']]);
    expect(releaseDevices(b, 'one')).toEqual(['0005:01:00.0', '0005:01:00.1']);
    expect(claimDevices(b, 'two', ['0004:01:00.0', '0005:01:00.1'])).toEqual([]);
    a.close();
    b.close();
    fs.rmSync(dir, { recursive: true });
  });
});
