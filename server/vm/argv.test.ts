import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildQemuArgv } from './argv';
import { toLibvirtXml, toShellScript } from './export';
import { vmPaths } from './paths';
import { JETSON_CAPS, X86_CAPS, vmDef } from './testing/fixtures';
import { orinSnapshot } from './testing/orin-snapshot';

const GOLDEN = path.join(__dirname, '__golden__');
const paths = vmPaths('/var/lib/jetvm', 'demo');

/** Compares with __golden__/<name>; UPDATE_GOLDEN=1 rewrites the file instead. */
function golden(name: string, text: string) {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    fs.mkdirSync(GOLDEN, { recursive: true });
    fs.writeFileSync(file, text);
  }
  expect(fs.existsSync(file), `${file} missing (run with UPDATE_GOLDEN=1 once)`).toBe(true);
  expect(text).toBe(fs.readFileSync(file, 'utf8'));
}

const render = (b: { argv: string[]; notes: string[] }) => `${b.argv.join('\n')}\n--- notes\n${b.notes.join('\n')}\n`;

describe('buildQemuArgv', () => {
  it('the seed command on the Jetson, improved: KVM, GICv3, one root port per card, rombar=0, sockets, daemonized', () => {
    const vm = vmDef({ disks: [{ path: '/srv/focal-server-cloudimg-arm64.raw', format: 'raw' }], cmdline: 'rootwait root=/dev/vda1 console=ttyAMA0', devices: ['0005:01:00.0'] });
    const b = buildQemuArgv(vm, orinSnapshot(), JETSON_CAPS, paths);
    golden('kvm-gpu.txt', render(b));
    expect(b.accel).toBe('kvm');
    expect(b.argv).not.toContain('-nographic');
    // the audio function came with the group although only the GPU was named
    expect(b.argv).toContain('vfio-pci,host=0005:01:00.1,id=hostdev-0005-01-00.1,bus=rp1,addr=00.1');
  });

  it('TCG with pci=nomsi and extra machine options', () => {
    const vm = vmDef({ pciNomsi: true, machineOptions: ['highmem-mmio-size=1T', 'its=on'], vcpus: 1, memoryMiB: 256 });
    const b = buildQemuArgv(vm, orinSnapshot(), X86_CAPS, paths);
    golden('tcg-nomsi.txt', render(b));
    expect(b.argv).not.toContain('host');
    expect(b.argv[b.argv.indexOf('-cpu') + 1]).toBe('cortex-a72');
    expect(b.argv[b.argv.indexOf('-append') + 1]).toBe('console=ttyAMA0 pci=nomsi');
    expect(b.notes.join('\n')).toMatch(/highmem-mmio-size=1T needs QEMU 10\.0/);
  });

  it('sim mode: labelled stand-ins of the same class, placed the same way', () => {
    const vm = vmDef({ devices: ['0005:01:00.0', '0001:01:00.0', '0004:01:00.0'], accel: 'tcg' });
    const b = buildQemuArgv(vm, orinSnapshot(), X86_CAPS, paths, { standIns: true });
    golden('sim-standins.txt', render(b));
    expect(b.argv.join(' ')).not.toContain('vfio-pci');
    expect(b.scratch).toEqual([{ path: `${paths.runDir}/sim-0004-01-00.0.img`, sizeBytes: 16 * 1024 * 1024 }]);
  });

  it('doubles commas inside option values, keeps -append and -kernel verbatim', () => {
    const p = vmPaths('/data/a,b', 'demo');
    const vm = vmDef({ kernel: '/k,1/Image', disks: [{ path: '/d,isk.qcow2', format: 'qcow2' }], devices: [] });
    const b = buildQemuArgv(vm, orinSnapshot(), X86_CAPS, p);
    expect(b.argv).toContain('file=/d,,isk.qcow2,if=virtio,format=qcow2');
    expect(b.argv).toContain('/k,1/Image');
    expect(b.argv.find((a) => a.startsWith('socket,id=ser0'))).toBe(
      'socket,id=ser0,path=/data/a,,b/run/demo/serial.sock,server=on,wait=off,logfile=/data/a,,b/vms/demo/console.log,logappend=on',
    );
  });
});

describe('exporters', () => {
  const vm = vmDef({ disks: [{ path: "/srv/it's a disk.raw", format: 'raw' }], cmdline: 'root=/dev/vda1 quiet', pciNomsi: true });

  it('shell script and libvirt XML', () => {
    const b = buildQemuArgv(vm, orinSnapshot(), JETSON_CAPS, paths);
    golden('script.sh.txt', toShellScript(b.argv, ['jetvm VM demo']));
    golden('libvirt.xml.txt', toLibvirtXml(vm, orinSnapshot(), JETSON_CAPS, paths));
  });

  it('the shell script hands QEMU exactly the argv (run through sh)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-argv-'));
    const printer = path.join(dir, 'print args');
    fs.writeFileSync(printer, '#!/bin/sh\nfor a; do printf "%s\\0" "$a"; done\n', { mode: 0o755 });
    const b = buildQemuArgv({ ...vm, cmdline: 'a="b c" $HOME `x` \\ \'q\'' }, orinSnapshot(), { ...JETSON_CAPS, binary: printer }, paths);
    const script = path.join(dir, 'run.sh');
    fs.writeFileSync(script, toShellScript(b.argv));
    const out = execFileSync('sh', [script]).toString().split('\0').slice(0, -1);
    expect(out).toEqual(b.argv.slice(1));
    fs.rmSync(dir, { recursive: true });
  });
});
