// Every argv form the builder makes, judged by the real qemu-system-aarch64: each machine and device property
// must be one this QEMU lists (-machine virt,help, -device <x>,help), and every form that needs no host device
// is started paused (-S), answered over QMP, and quit.
//
// Left out of the start, and why (checked as properties only):
//   - accel=kvm and -cpu host: need /dev/kvm on an arm64 host (run as accel=tcg, -cpu cortex-a72);
//   - vfio-pci and its host=: need a host device bound to vfio-pci (run as pci-testdev with the same id, bus,
//     addr, multifunction and rombar, so those values are parsed by QEMU too).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { usableMachineOptions } from './argv';
import { probeCaps } from './caps';
import { MACHINE_OPTIONS, versionAtLeast } from '../../common/machine-options';
import { vmPaths } from './paths';
import { launchPlan } from './plan';
import { optList } from './qemu-opts';
import { onTheJetson, vmDef } from './testing/fixtures';
import { orinSnapshot } from './testing/orin-snapshot';
import { optionsOf, qemuList, qemuProperties, splitOptList, startParkedAndQuit, unknownProperties } from './testing/qemu-judge';
import { machineOptionSets } from './testing/vm-shapes';
import { asPciAddress } from '../../common/pci-address';

const caps = await probeCaps(process.env.JETVM_QEMU || 'qemu-system-aarch64');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-qemu-parse-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

// files the argv names, under a directory with a doubled-comma-worthy, non-ASCII name
const files = path.join(root, 'a,b ünï');
fs.mkdirSync(files, { recursive: true });
const kernel = path.join(files, 'Image'); // -S: QEMU loads it into guest RAM but never runs it
fs.writeFileSync(kernel, Buffer.alloc(64 * 1024, 0));
fs.writeFileSync(path.join(files, 'initrd.gz'), Buffer.alloc(1024, 0));
fs.writeFileSync(path.join(files, 'root.raw'), Buffer.alloc(1024 * 1024, 0));
execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', path.join(files, 'data.qcow2'), '16M']);

const ALL_SLOTS = ['0005:01:00.0', '0001:01:00.0', '0004:01:00.0'].map(asPciAddress);
const vmWith = (machineOptions: string[]) =>
  vmDef({
    kernel, initrd: path.join(files, 'initrd.gz'), memoryMiB: 256, vcpus: 2, devices: ALL_SLOTS, machineOptions,
    disks: [{ path: path.join(files, 'root.raw'), format: 'raw' }, { path: path.join(files, 'data.qcow2'), format: 'qcow2' }],
  });

let runs = 0;
/** A fresh data dir per start (its sockets and pidfile), and the sim stand-ins' scratch images created. */
function freshPaths() {
  const p = vmPaths(path.join(root, `data ${++runs}`), 'demo');
  fs.mkdirSync(p.runDir, { recursive: true });
  fs.mkdirSync(p.vmDir, { recursive: true });
  return p;
}

/** The KVM + vfio-pci form made startable here: accel=tcg, a TCG cpu, pci-testdev in each vfio-pci's place. */
function withoutHostParts(argv: readonly string[]): string[] {
  return argv.map((a, i) => {
    const flag = argv[i - 1];
    if (flag === '-machine') return a.replace(/(^|,)accel=kvm(?=,|$)/, '$1accel=tcg');
    if (flag === '-cpu' && a === 'host') return 'cortex-a72';
    if (flag === '-device' && a.startsWith('vfio-pci,')) {
      const kept = splitOptList(a).slice(1).filter((kv) => !kv.startsWith('host=')).map((kv) => kv.split('=') as [string, string]);
      return optList('pci-testdev', kept);
    }
    return a;
  });
}

describe(`the real ${caps.binary} ${caps.version} judges every argv form`, () => {
  it('every allowlisted machine option is a property of this QEMU\'s virt machine, or is marked as newer than it', () => {
    const known = qemuProperties(caps.binary, '-machine', 'virt');
    for (const [key, spec] of Object.entries(MACHINE_OPTIONS)) {
      const tooNew = spec.since !== undefined && !versionAtLeast(caps.version, spec.since);
      expect({ key, listed: known.has(key) }).toEqual({ key, listed: !tooNew });
    }
  });

  machineOptionSets().forEach((machineOptions, n) => {
    const vm = vmWith(machineOptions);
    const tooNew = machineOptions.filter((o) => MACHINE_OPTIONS[o.split('=')[0]].since && !qemuProperties(caps.binary, '-machine', 'virt').has(o.split('=')[0]));

    for (const devices of [ALL_SLOTS, []]) {
      const which = devices.length ? 'with every slot\'s stand-in' : 'without devices';
      it(`TCG ${which}, machine option set ${n + 1} (${machineOptions.join(',')}): known properties, starts, quits`, async () => {
        const paths = freshPaths();
        const b = launchPlan({ ...vm, devices, accel: 'tcg' }, orinSnapshot(), caps, onTheJetson(caps), paths, true).run;
        expect(b.accel).toBe('tcg');
        expect(unknownProperties(b.argv)).toEqual([]);
        const leftOut = machineOptions.filter((o) => !usableMachineOptions({ machineOptions: [o], devices }, caps, 'tcg', []).length);
        expect(leftOut).toEqual(machineOptions.filter((o) => tooNew.includes(o) || (devices.length > 0 && o === 'its=off')));
        for (const s of b.scratch) fs.writeFileSync(s.path, Buffer.alloc(s.sizeBytes));
        expect(await startParkedAndQuit(b.argv, paths)).toBe('prelaunch');
      });
    }

    it(`KVM with vfio-pci (the Jetson form), machine option set ${n + 1}: known properties; started without the KVM and host-device parts`, async () => {
      const paths = freshPaths();
      const b = launchPlan(vm, orinSnapshot(), caps, onTheJetson(caps), paths, true).real;
      expect(b.accel).toBe('kvm');
      expect(optionsOf(b.argv, '-device').filter((d) => d.head === 'vfio-pci')).toHaveLength(4);
      expect(unknownProperties(b.argv)).toEqual([]);
      if (caps.kvmUsable) {
        expect(qemuList(caps.binary, '-accel')).toContain('kvm');
        expect(qemuList(caps.binary, '-cpu')).toContain('host');
      }
      const runnable = withoutHostParts(b.argv);
      expect(runnable.join(' ')).not.toMatch(/vfio-pci|accel=kvm|-cpu host/);
      expect(await startParkedAndQuit(runnable, paths)).toBe('prelaunch');
    });
  });
});
