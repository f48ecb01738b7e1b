import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { unpackFixture } from '../scan/fixtures';
import { SimKernel } from './kernel';
import { STATE_FILE } from './kernel-state';
import { generateOrinTree } from './orin';
import { bootOrin } from './orin-boot';
import { generateSyntheticTree } from './synthetic';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-kernel-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function fixtureTree(): string {
  return unpackFixture('gpu', path.join(tmp, `rig-${n++}`));
}

function orinTree(): string {
  const root = path.join(tmp, `orin-${n++}`);
  generateOrinTree(root, { card: 't600' });
  return root;
}

async function orinTreeWithOverlay(overlay: string[]): Promise<string> {
  const root = path.join(tmp, `orin-${n++}`);
  await bootOrin(root, { card: 't600', overlay });
  return root;
}

const dev = (a: string) => `sys/bus/pci/devices/${a}`;
const driver = (root: string, a: string) => {
  try {
    return path.basename(fs.readlinkSync(path.join(root, dev(a), 'driver')));
  } catch {
    return null;
  }
};
const group = (root: string, a: string) => {
  try {
    return Number(path.basename(fs.readlinkSync(path.join(root, dev(a), 'iommu_group'))));
  } catch {
    return null;
  }
};
const override = (root: string, a: string) => fs.readFileSync(path.join(root, dev(a), 'driver_override'), 'utf8');
const vfio = (root: string) => fs.readdirSync(path.join(root, 'dev/vfio')).sort();
const driverLinks = (root: string, d: string) => fs.readdirSync(path.join(root, 'sys/bus/pci/drivers', d)).filter((e) => e.includes(':'));

/** libvirt's sequence (docs/sources/kernel-truth.md fact 3) */
function bindVfio(k: SimKernel, a: string) {
  return [
    k.write(`${dev(a)}/driver_override`, 'vfio-pci\n'),
    ...(fs.existsSync(path.join(k.root, dev(a), 'driver')) ? [k.write(`${dev(a)}/driver/unbind`, `${a}\n`)] : []),
    k.write('sys/bus/pci/drivers_probe', `${a}\n`),
  ];
}

/** fact 4 */
function release(k: SimKernel, a: string) {
  return [k.write('sys/bus/pci/drivers/vfio-pci/unbind', `${a}\n`), k.write(`${dev(a)}/driver_override`, '\n'), k.write('sys/bus/pci/drivers_probe', `${a}\n`)];
}

describe('binding and releasing on the Orin', () => {
  let root: string;
  let k: SimKernel;
  beforeEach(() => {
    root = orinTree();
    k = new SimKernel(root);
  });

  it('binds one function; /dev/vfio/<group> appears with the first vfio device', () => {
    const g = group(root, '0005:01:00.0')!;
    expect(bindVfio(k, '0005:01:00.0').every((r) => r.ok)).toBe(true);
    expect(driver(root, '0005:01:00.0')).toBe('vfio-pci');
    expect(driverLinks(root, 'vfio-pci')).toEqual(['0005:01:00.0']);
    expect(driverLinks(root, 'nouveau')).toEqual([]);
    expect(driver(root, '0005:01:00.1')).toBe('snd_hda_intel');
    expect(vfio(root)).toEqual([String(g), 'vfio']);
    expect(fs.readFileSync(path.join(root, dev('0005:01:00.0'), 'uevent'), 'utf8')).toMatch(/^DRIVER=vfio-pci$/m);
  });

  it('keeps the node until the last device of the group leaves vfio-pci, and gives drivers back', () => {
    const g = String(group(root, '0005:01:00.0'));
    bindVfio(k, '0005:01:00.0');
    bindVfio(k, '0005:01:00.1');
    expect(release(k, '0005:01:00.1').every((r) => r.ok)).toBe(true);
    expect(driver(root, '0005:01:00.1')).toBe('snd_hda_intel');
    expect(override(root, '0005:01:00.1')).toBe('(null)\n');
    expect(vfio(root)).toEqual([g, 'vfio']);
    release(k, '0005:01:00.0');
    expect(driver(root, '0005:01:00.0')).toBe('nouveau');
    expect(vfio(root)).toEqual(['vfio']);
  });

  it('removes what a driver created on unbind and brings it back on re-bind', () => {
    const net = path.join(root, dev('0001:01:00.0'), 'net/wlP1p1s0');
    const part = path.join(root, dev('0004:01:00.0'), 'nvme/nvme0/nvme0n1/nvme0n1p1');
    bindVfio(k, '0001:01:00.0');
    k.write('sys/bus/pci/drivers/nvme/unbind', '0004:01:00.0\n');
    expect(fs.existsSync(net)).toBe(false);
    expect(fs.existsSync(part)).toBe(false);
    release(k, '0001:01:00.0');
    k.write('sys/bus/pci/drivers_probe', '0004:01:00.0\n');
    expect(driver(root, '0001:01:00.0')).toBe('rtl88x2ce');
    expect(fs.readFileSync(path.join(net, 'address'), 'utf8')).toMatch(/^48:8f/);
    expect(fs.existsSync(part)).toBe(true);
  });

  it('with the overlay the group holds no platform device; binding works the same', async () => {
    const r = await orinTreeWithOverlay(['141a0000.pcie']);
    const k2 = new SimKernel(r);
    bindVfio(k2, '0005:01:00.0');
    bindVfio(k2, '0005:01:00.1');
    expect(vfio(r)).toEqual([String(group(r, '0005:01:00.0')), 'vfio']);
    expect(fs.readdirSync(path.join(r, 'sys/kernel/iommu_groups', String(group(r, '0005:01:00.0')), 'devices')).sort()).toEqual(['0005:00:00.0', '0005:01:00.0', '0005:01:00.1']);
  });
});

describe('what the kernel refuses and what it accepts (docs/sources/kernel-truth.md)', () => {
  let root: string;
  let k: SimKernel;
  beforeEach(() => {
    root = fixtureTree();
    k = new SimKernel(root);
  });

  it('drivers_probe of a missing device: ENODEV', () => {
    expect(k.write('sys/bus/pci/drivers_probe', '0000:09:00.0\n')).toMatchObject({ ok: false, errno: 'ENODEV', message: 'No such device' });
    expect(k.write('sys/bus/pci/drivers_probe', '0000:3:00.0\n')).toMatchObject({ ok: false, errno: 'ENODEV' });
  });

  it('vfio-pci/bind without a matching override: ENODEV; with it: bound; when already bound: EBUSY', () => {
    expect(k.write('sys/bus/pci/drivers/vfio-pci/bind', '0000:02:00.0\n')).toMatchObject({ ok: false, errno: 'ENODEV' });
    k.write(`${dev('0000:02:00.0')}/driver_override`, 'vfio-pci\n');
    expect(k.write('sys/bus/pci/drivers/vfio-pci/bind', '0000:02:00.0\n')).toMatchObject({ ok: false, errno: 'EBUSY' });
    k.write('sys/bus/pci/drivers/nvme/unbind', '0000:02:00.0\n');
    expect(k.write('sys/bus/pci/drivers/vfio-pci/bind', '0000:02:00.0\n')).toMatchObject({ ok: true });
    expect(driver(root, '0000:02:00.0')).toBe('vfio-pci');
    expect(vfio(root)).toEqual(['1', 'vfio']);
  });

  it('unbind of a device not bound to that driver: ENODEV, nothing changes', () => {
    expect(k.write('sys/bus/pci/drivers/vfio-pci/unbind', '0000:03:00.0\n')).toMatchObject({ ok: false, errno: 'ENODEV' });
    expect(driver(root, '0000:03:00.0')).toBe('bochs-drm');
    expect(k.write('sys/bus/pci/devices/0000:00:00.0/driver/unbind', '0000:00:00.0\n')).toMatchObject({ ok: false, errno: 'ENOENT' });
  });

  it('driver_override takes any string; a newline clears it; drivers_probe then leaves the device unbound', () => {
    expect(k.write(`${dev('0000:02:00.0')}/driver_override`, 'not-a-driver\n')).toMatchObject({ ok: true });
    expect(override(root, '0000:02:00.0')).toBe('not-a-driver\n');
    expect(k.write(`${dev('0000:02:00.0')}/driver_override`, 'two words!\n')).toMatchObject({ ok: true });
    expect(override(root, '0000:02:00.0')).toBe('two words!\n');
    k.write(`${dev('0000:02:00.0')}/driver/unbind`, '0000:02:00.0\n');
    expect(k.write('sys/bus/pci/drivers_probe', '0000:02:00.0\n')).toMatchObject({ ok: true });
    expect(driver(root, '0000:02:00.0')).toBeNull();
    expect(k.write(`${dev('0000:02:00.0')}/driver_override`, '\n')).toMatchObject({ ok: true });
    expect(override(root, '0000:02:00.0')).toBe('(null)\n');
    k.write('sys/bus/pci/drivers_probe', '0000:02:00.0\n');
    expect(driver(root, '0000:02:00.0')).toBe('nvme');
    expect(k.write(`${dev('0000:02:00.0')}/driver_override`, 'x'.repeat(4095))).toMatchObject({ ok: false, errno: 'EINVAL' });
  });

  it('new_id binds EVERY unbound match, is remembered for later probes, and remove_id forgets it', () => {
    expect(k.write('sys/bus/pci/drivers/vfio-pci/new_id', '8086\n')).toMatchObject({ ok: false, errno: 'EINVAL' });
    expect(k.write('sys/bus/pci/drivers/e1000e/new_id', '8086 10d3\n')).toMatchObject({ ok: false, errno: 'EEXIST' });
    k.write('sys/bus/pci/drivers/e1000e/unbind', '0000:01:00.0\n');
    expect(k.write('sys/bus/pci/drivers/vfio-pci/new_id', '8086 10d3\n')).toMatchObject({ ok: true });
    expect(driver(root, '0000:01:00.0')).toBe('vfio-pci');
    expect(vfio(root)).toEqual(['0', 'vfio']);
    // with e1000e gone (module unloaded) the remembered id catches the device on the next probe
    k.write('sys/bus/pci/drivers/vfio-pci/unbind', '0000:01:00.0\n');
    fs.rmSync(path.join(root, 'sys/bus/pci/drivers/e1000e'), { recursive: true });
    k.write('sys/bus/pci/drivers_probe', '0000:01:00.0\n');
    expect(driver(root, '0000:01:00.0')).toBe('vfio-pci');
    expect(k.write('sys/bus/pci/drivers/vfio-pci/remove_id', '8086 10d3\n')).toMatchObject({ ok: true });
    expect(k.write('sys/bus/pci/drivers/vfio-pci/remove_id', '8086 10d3\n')).toMatchObject({ ok: false, errno: 'ENODEV' });
    expect(driver(root, '0000:01:00.0')).toBe('vfio-pci'); // remove_id unbinds nothing
  });

  it('vfio-pci takes endpoints only: a bridge stays unbound after drivers_probe, bind says EINVAL', () => {
    k.write(`${dev('0000:00:05.0')}/driver_override`, 'vfio-pci\n');
    k.write(`${dev('0000:00:05.0')}/driver/unbind`, '0000:00:05.0\n');
    expect(k.write('sys/bus/pci/drivers_probe', '0000:00:05.0\n')).toMatchObject({ ok: true });
    expect(driver(root, '0000:00:05.0')).toBeNull();
    expect(k.write('sys/bus/pci/drivers/vfio-pci/bind', '0000:00:05.0\n')).toMatchObject({ ok: false, errno: 'EINVAL' });
  });

  it('a device without a group gets one when a driver probes it', () => {
    expect(group(root, '0000:00:00.0')).toBeNull();
    bindVfio(k, '0000:00:00.0');
    expect(driver(root, '0000:00:00.0')).toBe('vfio-pci');
    expect(group(root, '0000:00:00.0')).toBe(3); // the lowest free number
    expect(vfio(root)).toEqual(['3', 'vfio']);
  });

  it('refuses attributes without a store method and keeps its state outside sys/', () => {
    expect(k.write(`${dev('0000:02:00.0')}/vendor`, '0x1234\n')).toMatchObject({ ok: false, errno: 'EACCES' });
    expect(fs.readFileSync(path.join(root, dev('0000:02:00.0'), 'vendor'), 'utf8')).toBe('0x1b36\n');
    expect(fs.existsSync(path.join(root, STATE_FILE))).toBe(true);
  });

  it('two kernels on one tree see each other’s writes (state is re-read on every write)', () => {
    const k2 = new SimKernel(root);
    k.write('sys/bus/pci/drivers/e1000e/unbind', '0000:01:00.0\n');
    k2.write('sys/bus/pci/drivers/vfio-pci/new_id', '8086 10d3\n');
    expect(k.write('sys/bus/pci/drivers/vfio-pci/new_id', '8086 10d3\n')).toMatchObject({ ok: false, errno: 'EEXIST' });
    expect(driver(root, '0000:01:00.0')).toBe('vfio-pci');
  });
});

describe('on a large synthetic tree', () => {
  it('a driverless function joins its slot sibling’s group when probed', () => {
    const root = path.join(tmp, 'synthetic');
    generateSyntheticTree(root, { devices: 24 });
    const k = new SimKernel(root);
    const fn1 = fs.readdirSync(path.join(root, 'sys/bus/pci/devices')).find((a) => driver(root, a) === null && group(root, a) === null && a.endsWith('.1'))!;
    expect(fn1).toBeDefined();
    const fn0 = fn1.replace(/\.1$/, '.0');
    bindVfio(k, fn1);
    expect(driver(root, fn1)).toBe('vfio-pci');
    expect(group(root, fn1)).toBe(group(root, fn0));
  });
});
