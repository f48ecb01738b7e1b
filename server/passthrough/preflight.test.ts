import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanHost } from '../host/scan';
import { unpackFixture } from '../host/scan/fixtures';
import { gatherPreflightFacts } from './preflight-gather';
import { parseMemlock } from '../host/machine-facts';
import { worstSeverity } from '../../common/finding';
import { preflightRules, type PreflightFacts } from './preflight';

const GiB = 1024 ** 3;
const good: PreflightFacts = {
  mode: 'real',
  isOrin: true,
  iommuGroups: 12,
  vfioPciDriver: true,
  vfioContainerNode: true,
  allowUnsafeInterrupts: true,
  interruptRemapping: null,
  memlockBytes: null,
  privileged: false,
  guestRamBytes: 2 * GiB,
  kvm: 'usable',
  qemu: { binary: 'qemu-system-aarch64', version: '8.2.2' },
  dtcVersion: 'DTC 1.6.1',
  controllersInGroups: [],
  dataDisk: { dir: '/var/lib/jetvm', freeBytes: 20 * GiB, totalBytes: 50 * GiB, state: 'ok', message: '20.0 GiB free of 50.0 GiB in /var/lib/jetvm' },
  machine: { cpus: 8, memoryBytes: 32 * GiB, l4tRelease: 'R36.4.2', kernelCmdline: 'root=/dev/nvme0n1p1 rw' },
};

describe('preflight rules', () => {
  it('all ok on a ready Orin', () => {
    const items = preflightRules(good);
    expect(items.map((i) => [i.code, i.severity])).toEqual([
      ['iommu-groups', 'ok'], ['vfio-pci', 'ok'], ['vfio-container', 'ok'], ['unsafe-interrupts', 'ok'], ['memlock', 'ok'], ['kvm', 'ok'], ['qemu', 'ok'], ['dt-overlay', 'ok'], ['dtc', 'ok'], ['data-disk', 'ok'],
    ]);
    expect(items.every((i) => i.fix === null && (i.why ?? "").length > 10)).toBe(true);
    expect(worstSeverity(items)).toBe('ok');
  });

  const cases: Array<[string, Partial<PreflightFacts>, string, 'warning' | 'error', RegExp]> = [
    ['no IOMMU groups', { iommuGroups: 0 }, 'iommu-groups', 'error', /IOMMU enabled/],
    ['vfio-pci missing', { vfioPciDriver: false }, 'vfio-pci', 'error', /modprobe vfio-pci/],
    ['no container node', { vfioContainerNode: false }, 'vfio-container', 'error', /modprobe vfio/],
    ['Orin with allow_unsafe_interrupts=N', { allowUnsafeInterrupts: false }, 'unsafe-interrupts', 'error', /vfio_iommu_type1\.allow_unsafe_interrupts=1/],
    ['another machine with N', { isOrin: false, allowUnsafeInterrupts: false }, 'unsafe-interrupts', 'warning', /allow_unsafe_interrupts=1/],
    ['N without interrupt remapping', { isOrin: false, allowUnsafeInterrupts: false, interruptRemapping: false }, 'unsafe-interrupts', 'error', /allow_unsafe_interrupts=1/],
    ['memlock 8 MiB for a 2 GiB guest', { memlockBytes: 8 * 1024 * 1024 }, 'memlock', 'error', /LimitMEMLOCK/],
    ['limits unreadable', { memlockBytes: undefined }, 'memlock', 'warning', /LimitMEMLOCK/],
    ['no /dev/kvm', { kvm: 'missing' }, 'kvm', 'warning', /KVM/],
    ['/dev/kvm not accessible', { kvm: 'no-access' }, 'kvm', 'warning', /kvm group/],
    ['no qemu', { qemu: { binary: 'qemu-system-aarch64', version: null } }, 'qemu', 'error', /apt-get install qemu-system-arm/],
    ['no dtc', { dtcVersion: null }, 'dtc', 'warning', /device-tree-compiler/],
    [
      'overlay not applied at boot',
      { controllersInGroups: [{ controller: '141a0000.pcie', group: 9, path: '/bus@0/pcie@141a0000', iommus: 'set' }] },
      'dt-overlay',
      'warning',
      /needs an FDT line .*OVERLAYS line.*Attempting Kernel Boot.*\/proc\/cmdline/,
    ],
    [
      'tree without iommus, controller grouped anyway',
      { controllersInGroups: [{ controller: '141a0000.pcie', group: 9, path: '/bus@0/pcie@141a0000', iommus: 'empty' }] },
      'dt-overlay',
      'warning',
      /dmesg/,
    ],
    ['data disk running low', { dataDisk: { ...good.dataDisk!, freeBytes: 500 * 1024 ** 2, state: 'warn', message: 'running low' } }, 'data-disk', 'warning', /JETVM_DATA_DIR/],
    ['data disk full', { dataDisk: { ...good.dataDisk!, freeBytes: 0, state: 'fail', message: 'nearly full' } }, 'data-disk', 'error', /Free space/],
  ];
  it('N is fine when interrupts are remapped (IR-PCI-MSI or ITS-MSI chips in /proc/interrupts)', () => {
    const item = preflightRules({ ...good, isOrin: false, allowUnsafeInterrupts: false, interruptRemapping: true }).find((i) => i.code === 'unsafe-interrupts')!;
    expect(item).toMatchObject({ severity: 'ok', fix: null });
    expect(item.message).toBe('N; interrupt remapping is on (remapping interrupt chips in /proc/interrupts), so it is not needed');
  });

  it.each(cases)('%s', (_name, change, id, state, fix) => {
    const items = preflightRules({ ...good, ...change });
    const item = items.find((i) => i.code === id)!;
    expect(item.severity).toBe(state);
    expect(item.fix).toMatch(fix);
    expect(items.filter((i) => i.code !== id).every((i) => i.severity === 'ok')).toBe(true);
    expect(worstSeverity(items)).toBe(state);
  });

  it('root is not held back by the memlock limit', () => {
    expect(preflightRules({ ...good, memlockBytes: 65536, privileged: true }).find((i) => i.code === 'memlock')!.severity).toBe('ok');
  });
});

describe('preflight facts', () => {
  it('parses the soft locked-memory limit', () => {
    const text = 'Limit                     Soft Limit           Hard Limit           Units\nMax locked memory         8388608              8388608              bytes\n';
    expect(parseMemlock(text)).toBe(8388608);
    expect(parseMemlock(text.replace(/8388608 {14}8388608/, 'unlimited            unlimited'))).toBeNull();
    expect(parseMemlock('Max cpu time unlimited unlimited seconds\n')).toBeUndefined();
  });

  it('gathers from a scanned rig snapshot (its /proc, not this machine\'s) and the tools here', async () => {
    const root = unpackFixture('gpu');
    try {
      fs.mkdirSync(path.join(root, 'proc/self'), { recursive: true });
      fs.writeFileSync(path.join(root, 'proc/self/limits'), 'Max locked memory         65536                65536                bytes\n');
      const facts = await gatherPreflightFacts(scanHost(root), { mode: 'real', root, qemuBinary: 'qemu-system-aarch64', guestRamBytes: GiB });
      expect(facts).toMatchObject({ controllersInGroups: null, isOrin: false, iommuGroups: 3, vfioPciDriver: true, vfioContainerNode: true, allowUnsafeInterrupts: false, memlockBytes: 65536, kvm: 'missing' });
      expect(facts.qemu.version).toMatch(/^\d+\.\d+/);
      expect(facts.dtcVersion).toMatch(/DTC/);
      const missing = await gatherPreflightFacts(scanHost(root), { mode: 'sim', root, qemuBinary: path.join(os.tmpdir(), 'no-such-qemu'), guestRamBytes: GiB, dtc: '/nonexistent/dtc' });
      expect(missing.qemu.version).toBeNull();
      expect(missing.dtcVersion).toBeNull();
      expect(missing.memlockBytes).toBe(65536);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
