import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WriteRefusedError, errnoFromMessage, errnoMessage, parseWrite, writeSysfs } from './write';

const A = '0005:01:00.0';

describe('parseWrite: the allowlist', () => {
  it.each([
    [`sys/bus/pci/devices/${A}/driver_override`, 'vfio-pci', { kind: 'driver_override', address: A, driver: 'vfio-pci' }],
    [`sys/bus/pci/devices/${A}/driver_override`, '', { kind: 'driver_override', address: A, driver: null }],
    [`sys/bus/pci/devices/${A}/driver_override`, '\n', { kind: 'driver_override', address: A, driver: null }],
    [`sys/bus/pci/devices/${A}/driver/unbind`, A, { kind: 'device_unbind', address: A }],
    ['sys/bus/pci/drivers/vfio-pci/bind', `${A}\n`, { kind: 'driver_bind', driver: 'vfio-pci', address: A }],
    ['sys/bus/pci/drivers/snd_hda_intel/unbind', '0005:01:00.1', { kind: 'driver_unbind', driver: 'snd_hda_intel', address: '0005:01:00.1' }],
    ['sys/bus/pci/drivers/vfio-pci/new_id', '10de 1fb1', { kind: 'new_id', driver: 'vfio-pci', vendor: '10de', device: '1fb1' }],
    ['sys/bus/pci/drivers/vfio-pci/remove_id', '10de 1fb1', { kind: 'remove_id', driver: 'vfio-pci', vendor: '10de', device: '1fb1' }],
    ['sys/bus/pci/drivers_probe', A, { kind: 'drivers_probe', address: A }],
  ])('accepts %s ← %j', (p, v, op) => {
    expect(parseWrite(p, v)).toEqual(op);
  });

  it.each([
    ['/sys/bus/pci/drivers_probe', A, 'only sys/bus/pci'],
    ['sys/bus/pci/../pci/drivers_probe', A, 'only sys/bus/pci'],
    ['sys/bus/pci/rescan', '1', 'only sys/bus/pci'],
    ['sys/bus/pci/devices/0005:01:00.0/remove', '1', 'only sys/bus/pci'],
    ['sys/bus/pci/devices/0005:01:00.0/config', 'x', 'only sys/bus/pci'],
    ['sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts', 'Y', 'only sys/bus/pci'],
    ['sys/bus/pci/devices/0005:01:00.0/driver_override/', 'vfio-pci', 'only sys/bus/pci'],
    ['sys/bus/pci/devices/0005:1:0.0/driver_override', 'vfio-pci', 'only sys/bus/pci'],
    ['sys/bus/pci/devices/0005:01:00.A/driver_override', 'vfio-pci', 'only sys/bus/pci'],
    ['sys/bus/pci/devices/0005:01:00.8/driver_override', 'vfio-pci', 'only sys/bus/pci'],
    ['sys/bus/pci/drivers/../devices/bind', A, 'only sys/bus/pci'],
    ['sys/bus/pci/drivers/vfio pci/bind', A, 'only sys/bus/pci'],
    [`sys/bus/pci/devices/${A}/driver_override`, 'not a driver!', 'driver name'],
    [`sys/bus/pci/devices/${A}/driver_override`, 'vfio-pci\nnouveau', 'single line'],
    [`sys/bus/pci/devices/${A}/driver_override`, 'vfio-pci\0', 'single line'],
    [`sys/bus/pci/devices/${A}/driver/unbind`, '0005:01:00.1', "device's own address"],
    ['sys/bus/pci/drivers/vfio-pci/bind', '0005:01:00.0 ', 'PCI address'],
    ['sys/bus/pci/drivers/vfio-pci/bind', '5:1:0.0', 'PCI address'],
    ['sys/bus/pci/drivers_probe', '0005:01:00.0; rm -rf /', 'PCI address'],
    ['sys/bus/pci/drivers/vfio-pci/new_id', '10DE 1FB1', 'vvvv dddd'],
    ['sys/bus/pci/drivers/vfio-pci/new_id', '10de', 'vvvv dddd'],
    ['sys/bus/pci/drivers/vfio-pci/new_id', '10de 1fb1 ffffffff ffffffff', 'vvvv dddd'],
  ])('refuses %s ← %j', (p, v, why) => {
    expect(() => parseWrite(p, v)).toThrow(WriteRefusedError);
    expect(() => parseWrite(p, v)).toThrow(why);
  });
});

describe('errno text', () => {
  it('uses strerror wording and maps it back', () => {
    expect(errnoMessage('ENODEV')).toBe('No such device');
    expect(errnoMessage('EBUSY')).toBe('Device or resource busy');
    expect(errnoMessage('ETIMEDOUT')).toMatch(/timed out/i);
    expect(errnoFromMessage('No such device')).toBe('ENODEV');
    expect(errnoFromMessage('Invalid argument')).toBe('EINVAL');
  });
});

describe('writeSysfs: the real writer, on a temp tree', () => {
  let root: string;
  const dev = `sys/bus/pci/devices/${A}`;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-write-'));
    fs.mkdirSync(path.join(root, dev), { recursive: true });
    fs.writeFileSync(path.join(root, dev, 'driver_override'), '(null)\n');
    fs.writeFileSync(path.join(root, 'sys/bus/pci/drivers_probe'), '');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('writes "value\\n" in one write, as echo does', () => {
    const r = writeSysfs(root, `${dev}/driver_override`, 'vfio-pci');
    expect(r).toEqual({ path: `${dev}/driver_override`, value: 'vfio-pci', ok: true });
    expect(fs.readFileSync(path.join(root, dev, 'driver_override'), 'utf8')).toBe('vfio-pci\n');
    writeSysfs(root, `${dev}/driver_override`, '');
    expect(fs.readFileSync(path.join(root, dev, 'driver_override'), 'utf8')).toBe('\n');
  });

  it('reports a missing file as ENOENT and never creates it', () => {
    const r = writeSysfs(root, 'sys/bus/pci/drivers/vfio-pci/bind', A);
    expect(r).toMatchObject({ ok: false, errno: 'ENOENT', message: 'No such file or directory' });
    expect(fs.existsSync(path.join(root, 'sys/bus/pci/drivers/vfio-pci'))).toBe(false);
  });

  it('reports a directory as EISDIR', () => {
    fs.mkdirSync(path.join(root, 'sys/bus/pci/drivers/vfio-pci/bind'), { recursive: true });
    expect(writeSysfs(root, 'sys/bus/pci/drivers/vfio-pci/bind', A)).toMatchObject({ ok: false, errno: 'EISDIR' });
  });

  it('refuses a bad write before any I/O', () => {
    const before = fs.readFileSync(path.join(root, dev, 'driver_override'), 'utf8');
    expect(() => writeSysfs(root, `${dev}/driver_override`, 'rm -rf /')).toThrow(WriteRefusedError);
    expect(() => writeSysfs(root, `${dev}/../../../../../etc/passwd`, 'x')).toThrow(WriteRefusedError);
    expect(fs.readFileSync(path.join(root, dev, 'driver_override'), 'utf8')).toBe(before);
    expect(fs.existsSync(path.join(root, 'etc'))).toBe(false);
  });

  it('needs an absolute root', () => {
    expect(() => writeSysfs('relative/root', 'sys/bus/pci/drivers_probe', A)).toThrow(/absolute/);
  });
});
