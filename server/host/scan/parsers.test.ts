import { describe, expect, it } from 'vitest';
import { loadPciIds, parsePciIds } from '../pciids';
import { parseResource } from './resource';
import { interruptRemapping, parseDefaultRoutes, parseMounts } from './system';
import { parentChain } from './topology';

describe('parseResource', () => {
  // lines as the kernel prints them for an NVIDIA-like card and a bridge
  const Z = '0x0000000000000000 0x0000000000000000 0x0000000000000000';
  const gpu = [
    '0x0000000020000000 0x0000000020ffffff 0x0000000000040200', // BAR0 16 MiB 32-bit
    '0x0000001800000000 0x000000180fffffff 0x000000000014220c', // BAR1 256 MiB 64-bit prefetchable
    Z,
    '0x0000001810000000 0x0000001811ffffff 0x000000000014220c', // BAR3 32 MiB
    Z,
    '0x0000000000001000 0x000000000000107f 0x0000000000040101', // BAR5 I/O 128 B
    '0x0000000021000000 0x000000002107ffff 0x0000000000046200', // ROM 512 KiB
    ...Array(6).fill(Z),
    '0x0000000000001000 0x0000000000001fff 0x0000000000000100', // bridge I/O window
    '0x0000000020000000 0x00000000217fffff 0x0000000000000200',
    '0x0000001800000000 0x0000001811ffffff 0x0000000000102201',
  ].join('\n');

  it('keeps used lines with their index, kind, size and flags', () => {
    const { bars, windows } = parseResource(`${gpu}\n`);
    expect(bars.map((b) => [b.index, b.kind, b.size, b.io, b.is64, b.prefetchable])).toEqual([
      [0, 'bar', 16 << 20, false, false, false],
      [1, 'bar', 256 << 20, false, true, true],
      [3, 'bar', 32 << 20, false, true, true],
      [5, 'bar', 128, true, false, false],
      [6, 'rom', 512 << 10, false, false, true], // the kernel marks ROMs prefetchable (0x2000)
    ]);
    expect(bars[1].start).toBe('0x0000001800000000');
    expect(windows.map((w) => [w.index, w.kind, w.io, w.prefetchable, w.is64])).toEqual([
      [13, 'bridge-window', true, false, false],
      [14, 'bridge-window', false, false, false],
      [15, 'bridge-window', false, true, true],
    ]);
  });

  it('sizes above 4 GiB are exact', () => {
    const { bars } = parseResource('0x0000008000000000 0x00000087ffffffff 0x000000000014220c');
    expect(bars[0].size).toBe(32 * 2 ** 30);
  });

  it.each([
    ['a word', 'garbage', /line 1 is not/],
    ['two fields', '0x0 0x1', /line 1 is not/],
    ['a bad second line', `${Z}\n0x1 0x2 zz`, /line 2 is not/],
    ['end below start', '0x2000 0x1000 0x200', /end 0x1000 is below start 0x2000/],
  ])('rejects %s', (_, text, message) => {
    expect(() => parseResource(text)).toThrow(message);
  });
});

describe('pci.ids', () => {
  const text = [
    '# comment',
    '10de  NVIDIA Corporation',
    '\t1fb1  TU117GL [T600]',
    '\t\t10de 1488  T600',
    '\t229a  Orin PCIe x8 Root Complex',
    '1234  Technical Corp.',
    'C 03  Display controller',
    '\t00  VGA compatible controller',
    '\t\t00  VGA controller',
    '\t02  3D controller',
  ].join('\n');
  const ids = parsePciIds(text);

  it('names vendors, devices, subsystems and classes', () => {
    expect(ids.vendor('10de')).toBe('NVIDIA Corporation');
    expect(ids.device('10de', '1fb1')).toBe('TU117GL [T600]');
    expect(ids.subsystem('10de', '1fb1', '10de', '1488')).toBe('T600');
    expect(ids.subsystem('10de', '229a', '10de', '229a')).toBe('Orin PCIe x8 Root Complex');
    expect(ids.subsystem('10de', '1fb1', '1af4', '1100')).toBeNull();
    expect(ids.device('1234', '1111')).toBeNull();
    expect(ids.className('03')).toBe('Display controller');
    expect(ids.subclassName('03', '02')).toBe('3D controller');
    expect(ids.progIfName('03', '00', '00')).toBe('VGA controller');
    expect(ids.progIfName('03', '02', '00')).toBeNull();
  });

  it('reads the system file lspci uses', () => {
    const sys = loadPciIds('/usr/share/misc/pci.ids');
    expect(sys.device('10ec', 'c822')).toMatch(/RTL8822CE/);
    expect(sys.subclassName('06', '04')).toBe('PCI bridge');
    expect(loadPciIds('/usr/share/misc/pci.ids')).toBe(sys); // parsed once
  });

  it('an explicit path that does not exist is an error', () => {
    expect(() => loadPciIds('/nonexistent/pci.ids')).toThrow(/ENOENT/);
  });
});

describe('proc files', () => {
  it('parses /proc/mounts with escaped spaces', () => {
    expect(parseMounts('/dev/nvme0n1p1 / ext4 rw,relatime 0 0\n/dev/sda1 /mnt/my\\040disk vfat rw 0 0\n')).toEqual([
      { source: '/dev/nvme0n1p1', target: '/', fstype: 'ext4' },
      { source: '/dev/sda1', target: '/mnt/my disk', fstype: 'vfat' },
    ]);
  });

  it('finds the interfaces of default routes', () => {
    const route = [
      'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
      'eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0',
      'eth0\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0',
      'wlP1p1s0\t00000000\t0102A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0',
      'docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0',
    ].join('\n');
    expect(parseDefaultRoutes(route)).toEqual(['eth0', 'wlP1p1s0']);
    expect(parseDefaultRoutes('')).toEqual([]);
  });
});

describe('parentChain', () => {
  const drivers: Record<string, string> = { '0001:00:00.0': 'pcieport', '14100000.pcie': 'tegra194-pcie' };
  const driverOf = (_dir: string, name: string) => drivers[name] ?? null;

  it('walks up an Orin path: root port, host bridge, platform controller', () => {
    expect(parentChain('sys/devices/platform/14100000.pcie/pci0001:00/0001:00:00.0/0001:01:00.0', driverOf)).toEqual([
      { kind: 'pci', name: '0001:00:00.0', driver: 'pcieport' },
      { kind: 'host-bridge', name: 'pci0001:00', driver: null },
      { kind: 'platform', name: '14100000.pcie', driver: 'tegra194-pcie' },
    ]);
  });

  it('stops at sys/devices on a PC', () => {
    expect(parentChain('sys/devices/pci0000:00/0000:00:1c.0/0000:02:00.0', driverOf)).toEqual([
      { kind: 'pci', name: '0000:00:1c.0', driver: null },
      { kind: 'host-bridge', name: 'pci0000:00', driver: null },
    ]);
  });

  it('names a non-platform controller "other"', () => {
    expect(parentChain('sys/devices/LNXSYSTM:00/pci0000:00/0000:00:00.0', driverOf)).toEqual([
      { kind: 'host-bridge', name: 'pci0000:00', driver: null },
      { kind: 'other', name: 'LNXSYSTM:00', driver: null },
    ]);
  });
});

describe('interruptRemapping (/proc/interrupts)', () => {
  it('sees Intel/AMD remapping chips and a GICv3 ITS, and says no or unknown otherwise', () => {
    expect(interruptRemapping('  24:          0          0  IR-PCI-MSI 512000-edge      ahci[0000:00:1f.2]\n')).toBe(true);
    expect(interruptRemapping(' 40:          5   ITS-MSI 524288 Edge      nvme0q0\n')).toBe(true);
    expect(interruptRemapping('  24:          0          0  PCI-MSI 512000-edge      ahci[0000:00:1f.2]\n')).toBe(false);
    expect(interruptRemapping(null)).toBe(null);
  });
});
