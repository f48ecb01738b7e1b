import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, unpackFixture, type FixtureName } from './fixtures';
import { scanHost } from './index';
import { parsePciUevent } from './uevent';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

describe('parsePciUevent', () => {
  it('reads a bound device (lines from the rig fixture gpu, kernel 6.1)', () => {
    const text = 'DRIVER=nvme\nPCI_CLASS=10802\nPCI_ID=1B36:0010\nPCI_SUBSYS_ID=1AF4:1100\nPCI_SLOT_NAME=0000:02:00.0\nMODALIAS=pci:v00001B36d00000010sv00001AF4sd00001100bc01sc08i02\n';
    expect(parsePciUevent(text)).toEqual({
      slot: '0000:02:00.0',
      driver: 'nvme',
      vendor: '1b36',
      device: '0010',
      subsystemVendor: '1af4',
      subsystemDevice: '1100',
      classCode: '010802',
      garbled: [],
    });
  });

  it('pads PCI_CLASS ("%04X") to the class file\'s six digits', () => {
    expect(parsePciUevent('PCI_CLASS=C0330').classCode).toBe('0c0330');
    expect(parsePciUevent('PCI_CLASS=0000').classCode).toBe('000000');
    expect(parsePciUevent('PCI_CLASS=FF00').classCode).toBe('00ff00');
  });

  it('takes no DRIVER= as unbound and passes over lines it does not use (OF_ on a Jetson)', () => {
    const u = parsePciUevent('OF_NAME=pci\nOF_COMPATIBLE_N=0\nPCI_CLASS=60400\nPCI_ID=10DE:229E\nPCI_SUBSYS_ID=0000:0000\nPCI_SLOT_NAME=0005:00:00.0\n');
    expect([u.driver, u.vendor, u.classCode, u.subsystemVendor]).toEqual([null, '10de', '060400', '0000']);
  });

  it('names each line not in the kernel format and leaves its values out', () => {
    const u = parsePciUevent('PCI_CLASS=3000000\nPCI_ID=10de\nPCI_SUBSYS_ID=1AF4:1100\nPCI_SLOT_NAME=0000:01:00.0\n');
    expect(u.garbled).toEqual(['PCI_CLASS: unexpected content "3000000"', 'PCI_ID: unexpected content "10de"']);
    expect([u.classCode, u.vendor, u.device, u.subsystemVendor]).toEqual([undefined, undefined, undefined, '1af4']);
  });
});

/** A copy of the fixture with `files` removed from every PCI device directory. */
function without(name: FixtureName, files: string[]): string {
  const root = unpackFixture(name);
  roots.push(root);
  const devices = path.join(root, 'sys/bus/pci/devices');
  for (const d of fs.readdirSync(devices)) for (const f of files) fs.rmSync(path.join(devices, d, f), { force: true });
  return root;
}

const scan = (root: string) => ({ ...scanHost(root), root: '', takenAt: '' });

describe.each(Object.keys(FIXTURES) as FixtureName[])('the %s snapshot', (name) => {
  const whole = scan(without(name, []));

  it('scans clean', () => {
    expect(whole.warnings).toEqual([]);
    expect(whole.devices.length).toBeGreaterThan(3);
  });

  it('scans the same without uevent files, from the separate files', () => {
    expect(scan(without(name, ['uevent']))).toEqual(whole);
  });

  it('scans the same from uevent alone, without the files it stands for', () => {
    expect(scan(without(name, ['vendor', 'device', 'subsystem_vendor', 'subsystem_device', 'class', 'driver']))).toEqual(whole);
  });
});
