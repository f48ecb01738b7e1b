import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { WriteRefusedError, openHost, openHostAt, openSimHost, simRoot } from './index';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-host-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const GPU = '0005:01:00.0';
const AUDIO = '0005:01:00.1';
const dev = (a: string) => `sys/bus/pci/devices/${a}`;

describe('openSimHost', () => {
  const dataDir = path.join(tmp, 'data');

  it('creates the simulated Orin in <dataDir>/sim/root on first use and scans it', () => {
    const host = openSimHost(dataDir, 't600');
    expect(host.mode).toBe('sim');
    expect(host.root).toBe(simRoot(dataDir));
    expect(host.root).toBe(path.join(dataDir, 'sim', 'root'));
    expect(host.sim?.card).toBe('t600');
    const snap = host.scan();
    expect(snap.devices.map((d) => d.address)).toEqual(['0001:00:00.0', '0001:01:00.0', '0004:00:00.0', '0004:01:00.0', '0005:00:00.0', GPU, AUDIO]);
    const gpu = snap.devices.find((d) => d.address === GPU)!;
    expect(gpu.driver).toBe('nouveau');
    const group = snap.groups.find((g) => g.id === gpu.iommuGroup)!;
    expect(group.members.map((m) => m.name).sort()).toEqual(['0005:00:00.0', GPU, AUDIO, '141a0000.pcie'].sort());
    expect(snap.dtCompatible).toContain('nvidia,tegra234');
    expect(snap.vfio).toMatchObject({ containerNode: true, groupNodes: [], vfioPciDriver: true, allowUnsafeInterrupts: false });
  });

  it('keeps the tree (and its state) when reopened with the same card', () => {
    const a = openSimHost(dataDir, 't600');
    a.write(`${dev(GPU)}/driver_override`, 'vfio-pci');
    const b = openSimHost(dataDir, 'T600');
    expect(b.scan().devices.find((d) => d.address === GPU)?.driverOverride).toBe('vfio-pci');
    b.write(`${dev(GPU)}/driver_override`, '');
  });

  it('binds a whole group through the simulated kernel and shows it in the scan', () => {
    const host = openSimHost(dataDir, 't600');
    for (const a of [GPU, AUDIO]) {
      expect(host.write(`${dev(a)}/driver_override`, 'vfio-pci').ok).toBe(true);
      expect(host.write(`${dev(a)}/driver/unbind`, a).ok).toBe(true);
      expect(host.write('sys/bus/pci/drivers_probe', a).ok).toBe(true);
    }
    const snap = host.scan();
    const gpu = snap.devices.find((d) => d.address === GPU)!;
    expect(snap.devices.find((d) => d.address === AUDIO)?.driver).toBe('vfio-pci');
    expect(snap.vfio.groupNodes).toEqual([gpu.iommuGroup]);
    expect(host.write('sys/bus/pci/drivers_probe', '0005:09:00.0')).toMatchObject({ ok: false, errno: 'ENODEV', message: 'No such device' });
  });

  it('refuses bad writes before touching the tree', () => {
    const host = openSimHost(dataDir, 't600');
    const before = fs.readFileSync(path.join(host.root, dev(GPU), 'driver_override'), 'utf8');
    expect(() => host.write(`${dev(GPU)}/driver_override`, 'not a driver')).toThrow(WriteRefusedError);
    expect(() => host.write('sys/bus/pci/rescan', '1')).toThrow(WriteRefusedError);
    expect(fs.readFileSync(path.join(host.root, dev(GPU), 'driver_override'), 'utf8')).toBe(before);
  });

  it('regenerates the tree when the card changes', () => {
    const host = openSimHost(dataDir, 'p1000');
    expect(host.sim?.card).toBe('p1000');
    const snap = host.scan();
    expect(snap.devices.find((d) => d.address === GPU)?.device.id).toBe('1cb1');
    expect(snap.devices.find((d) => d.address === GPU)?.driver).toBe('nouveau'); // a fresh boot
    expect(openSimHost(dataDir, 'none').scan().devices.some((d) => d.domain === 5)).toBe(false);
  });

  it('rejects an unknown card with the valid names', () => {
    expect(() => openSimHost(path.join(tmp, 'other'), 'voodoo2')).toThrow(/valid cards are t600, p1000, t400, t1000, a2000, gtx1650, none/);
  });

  it('a simulated reboot with the overlay takes the controller out of the group, and back without it', async () => {
    const host = openSimHost(path.join(tmp, 'reboot'), 't600');
    host.write(`${dev(GPU)}/driver_override`, 'vfio-pci');
    await host.sim!.reboot({ overlay: ['141a0000.pcie'] });
    expect(host.sim!.overlay()).toEqual(['141a0000.pcie']);
    let snap = host.scan();
    const gpu = snap.devices.find((d) => d.address === GPU)!;
    expect(gpu.driverOverride).toBeNull(); // a reboot forgets overrides
    expect(snap.groups.find((g) => g.id === gpu.iommuGroup)!.members.map((m) => m.kind)).toEqual(['pci', 'pci', 'pci']);
    const wifi = snap.devices.find((d) => d.address === '0001:01:00.0')!;
    expect(snap.groups.find((g) => g.id === wifi.iommuGroup)!.members.some((m) => m.kind === 'platform')).toBe(true);
    // the overlay survives a card change
    const p1000 = openSimHost(path.join(tmp, 'reboot'), 'p1000');
    expect(p1000.sim!.overlay()).toEqual(['141a0000.pcie']);
    expect(p1000.scan().groups.some((x) => x.members.some((m) => m.name === '141a0000.pcie'))).toBe(false);
    await host.sim!.reboot({ overlay: [] });
    snap = host.scan();
    const g = snap.devices.find((d) => d.address === GPU)!.iommuGroup;
    expect(snap.groups.find((x) => x.id === g)!.members.some((m) => m.name === '141a0000.pcie')).toBe(true);
    await expect(host.sim!.reboot({ overlay: ['15000000.pcie'] })).rejects.toThrow(/no node for 15000000\.pcie/);
    // another release is a reflash: its own tree, no overlay
    const r35 = openSimHost(path.join(tmp, 'reboot'), 'p1000', 'r35');
    expect([r35.sim!.release, r35.sim!.overlay()]).toEqual(['r35', []]);
  });

  it('a tree written by an older jetvm (an older SIM_LAYOUT) is written again, keeping its overlay', async () => {
    const dir = path.join(tmp, 'old-layout');
    const host = openSimHost(dir, 't600');
    await host.sim!.reboot({ overlay: ['141a0000.pcie'] });
    // as an older generator left it: no layout in the meta, no /proc/cmdline
    const metaFile = path.join(host.root, '.sim-orin.json');
    const { layout: _layout, ...old } = JSON.parse(fs.readFileSync(metaFile, 'utf8'));
    fs.writeFileSync(metaFile, JSON.stringify(old));
    fs.rmSync(path.join(host.root, 'proc/cmdline'));
    const again = openSimHost(dir, 't600');
    expect(fs.readFileSync(path.join(again.root, 'proc/cmdline'), 'utf8')).toContain('console=ttyTCU0');
    expect(again.sim!.overlay()).toEqual(['141a0000.pcie']);
  });
});

describe('openHostAt and openHost', () => {
  it('real mode writes the file under its root (a temp tree here, never this machine’s /sys)', () => {
    const root = path.join(tmp, 'realish');
    fs.mkdirSync(path.join(root, 'sys/bus/pci'), { recursive: true });
    fs.writeFileSync(path.join(root, 'sys/bus/pci/drivers_probe'), '');
    const host = openHostAt(root, 'real');
    expect(host.sim).toBeNull();
    expect(host.write('sys/bus/pci/drivers_probe', GPU)).toEqual({ path: 'sys/bus/pci/drivers_probe', value: GPU, ok: true });
    expect(fs.readFileSync(path.join(root, 'sys/bus/pci/drivers_probe'), 'utf8')).toBe(`${GPU}\n`);
  });

  it('openHost follows the config: sim in the data dir, real at "/" (not scanned or written here)', () => {
    const dataDir = path.join(tmp, 'cfg');
    const sim = openHost(loadConfig({ JETVM_HOST: 'sim', JETVM_DATA_DIR: dataDir, JETVM_SIM_CARD: 'T400' }));
    expect(sim.root).toBe(path.join(dataDir, 'sim', 'root'));
    expect(sim.sim?.card).toBe('t400');
    const real = openHost(loadConfig({ JETVM_HOST: 'real', JETVM_DATA_DIR: dataDir }));
    expect(real.mode).toBe('real');
    expect(real.root).toBe('/');
    expect(real.sim).toBeNull();
  });
});
