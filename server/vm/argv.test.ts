import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildQemuArgv } from './argv';
import { vmPaths } from './paths';
import { X86_CAPS, vmDef } from './testing/fixtures';
import { GOLDEN_BUILDS, GOLDEN_CASES, GOLDEN_DIR } from './testing/golden-cases';
import { orinSnapshot } from './testing/orin-snapshot';

describe('golden files (compared only; `npm run golden:update` rewrites them for review)', () => {
  for (const [name, make] of Object.entries(GOLDEN_CASES)) {
    it(name, () => {
      const file = path.join(GOLDEN_DIR, name);
      expect(fs.existsSync(file), `${file} is missing: run npm run golden:update and review the diff`).toBe(true);
      expect(make()).toBe(fs.readFileSync(file, 'utf8'));
    });
  }
});

describe('buildQemuArgv', () => {
  it('the seed command on the Jetson, improved: KVM, GICv3, one root port per card, rombar=0, sockets, daemonized', () => {
    const b = GOLDEN_BUILDS.kvmGpu();
    expect(b.accel).toBe('kvm');
    expect(b.argv).not.toContain('-nographic');
    // the audio function came with the group although only the GPU was named
    expect(b.argv).toContain('vfio-pci,host=0005:01:00.1,id=hostdev-0005-01-00.1,bus=rp1,addr=00.1');
  });

  it('TCG with pci=nomsi; a machine option this QEMU is too old for is left out, with a note', () => {
    const b = GOLDEN_BUILDS.tcgNomsi();
    expect(b.argv).not.toContain('host');
    expect(b.argv[b.argv.indexOf('-cpu') + 1]).toBe('cortex-a72');
    expect(b.argv[b.argv.indexOf('-append') + 1]).toBe('console=ttyAMA0 pci=nomsi');
    expect(b.argv[b.argv.indexOf('-machine') + 1]).toBe('virt,accel=tcg,gic-version=3,its=on');
    expect(b.notes.join('\n')).toMatch(/left out: machine option highmem-mmio-size=1T needs QEMU 10\.0 or later \(this QEMU is 7\.2\.22\)/);
  });

  it('mte=on: -cpu max under TCG (the Cortex-A72 has no MTE); left out under KVM', () => {
    const vm = vmDef({ machineOptions: ['mte=on'] });
    const tcg = buildQemuArgv({ ...vm, accel: 'tcg' }, orinSnapshot(), X86_CAPS, vmPaths('/d', 'demo'));
    expect(tcg.argv[tcg.argv.indexOf('-cpu') + 1]).toBe('max');
    expect(tcg.argv).toContain('virt,accel=tcg,gic-version=3,mte=on');
    const kvm = buildQemuArgv(vm, orinSnapshot(), { ...X86_CAPS, kvmUsable: true, version: '8.2.2' }, vmPaths('/d', 'demo'));
    expect(kvm.argv).toContain('virt,accel=kvm,gic-version=3');
    expect(kvm.notes).toContain('left out: machine option mte=on works only under TCG: the Cortex-A78AE has no MTE');
  });

  it('sim mode: labelled stand-ins of the same class, placed the same way', () => {
    const b = GOLDEN_BUILDS.simStandIns();
    expect(b.argv.join(' ')).not.toContain('vfio-pci');
    expect(b.scratch).toEqual([{ path: '/var/lib/jetvm/run/demo/sim-0004-01-00.0.img', sizeBytes: 16 * 1024 * 1024 }]);
  });

  it('doubles commas inside option values, keeps -append and -kernel verbatim', () => {
    const p = vmPaths('/data/a,b', 'demo');
    const vm = vmDef({ kernel: '/k,1/Image', disks: [{ path: '/d,isk.qcow2', format: 'qcow2' }], devices: [] });
    const b = buildQemuArgv(vm, orinSnapshot(), X86_CAPS, p);
    expect(b.argv).toContain('file=/d,,isk.qcow2,if=virtio,format=qcow2');
    expect(b.argv).toContain('/k,1/Image');
    expect(b.argv.find((a) => a.startsWith('socket,id=ser0'))).toBe(
      'socket,id=ser0,path=/data/a,,b/run/demo/serial.sock,server=on,wait=on',
    );
  });
});
