// The guest argv forms (UEFI firmware, virtio-blk with bootindex, SCSI CD-ROMs and the cloud-init seed,
// user-mode NAT with forwards, the MAC) judged by the real qemu-system-aarch64 like every other form
// (qemu-parse.test.ts): known device properties, then started paused (-S), asked over QMP, quit.
// The bridge form is judged by properties only: starting it needs a host bridge and qemu-bridge-helper.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../free-port';
import { probeCaps } from './caps';
import { prepareGuest } from './guest-prep';
import { vmPaths } from './paths';
import { launchPlan } from './plan';
import { onTheJetson, vmDef } from './testing/fixtures';
import { orinSnapshot } from './testing/orin-snapshot';
import { startParkedAndQuit, unknownProperties } from './testing/qemu-judge';

const caps = await probeCaps(process.env.JETVM_QEMU || 'qemu-system-aarch64');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-qemu-guests-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const files = path.join(root, 'a,b ünï');
fs.mkdirSync(files, { recursive: true });
const disk = path.join(files, 'root.qcow2');
const iso = path.join(files, 'installer.iso');
execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', disk, '64M']);
fs.writeFileSync(iso, Buffer.alloc(1024 * 1024));

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGtleQ user@laptop';
const guest = (boot: 'disk' | 'cdrom', hostPort: number) =>
  vmDef({
    name: 'web', firmware: 'uefi', kernel: null, initrd: null, devices: [], accel: 'tcg', memoryMiB: 256, vcpus: 1, boot,
    disks: [{ path: disk, format: 'qcow2' }], cdroms: [iso],
    network: { mode: 'user', bridge: null, mac: '52:54:00:12:34:56', forwards: [{ proto: 'tcp', hostPort, guestPort: 22 }, { proto: 'udp', hostPort, guestPort: 53 }] },
    cloudInit: { hostname: 'web', user: 'jetvm', passwordHash: null, sshKeys: [KEY], userData: null },
  });

describe(`the real ${caps.binary} ${caps.version} judges the guest forms`, () => {
  for (const boot of ['disk', 'cdrom'] as const) {
    it(`UEFI, ${boot} first, CD-ROM + seed, NAT with forwards: known properties, starts, quits`, async () => {
      const paths = vmPaths(path.join(root, `data-${boot}`), 'web');
      fs.mkdirSync(paths.runDir, { recursive: true });
      const vm = guest(boot, await freePort());
      prepareGuest(vm, paths);
      expect(fs.existsSync(paths.efiVars) && fs.existsSync(paths.seedIso)).toBe(true);
      const b = launchPlan(vm, orinSnapshot(), caps, onTheJetson(caps), paths, true).run;
      expect(unknownProperties(b.argv)).toEqual([]);
      expect(await startParkedAndQuit(b.argv, paths)).toBe('prelaunch');
    });
  }

  it('the bridge form: known properties', () => {
    const vm = { ...guest('disk', 1), network: { mode: 'bridge' as const, bridge: 'br0', mac: '52:54:00:12:34:56', forwards: [] } };
    const b = launchPlan(vm, orinSnapshot(), caps, caps, vmPaths(root, 'web'), false).run;
    expect(b.argv).toContain('bridge,id=net0,br=br0');
    expect(unknownProperties(b.argv)).toEqual([]);
  });
});
