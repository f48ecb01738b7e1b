// Guests as real machines, without booting: argv and exports for UEFI/CD-ROM/NAT/bridge/seed (judged by
// virt-xml-validate and sh -n), the stored definition (MAC, password hash, clone), the seed ISO
// (genisoimage, read back with isoinfo), images (qemu-img), and the checks autostart obeys.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../db';
import { listAudit } from '../db/audit';
import { buildQemuArgv } from './argv';
import { autostartQueue, runAutostart } from './autostart';
import { metaData, userData, writeSeed } from './cloud-init';
import { ImageStore, writerConflicts } from './disks';
import { toLibvirtXml, toShellScript } from './export';
import { guestChecks } from './guest-prep';
import { macFor, networkChecks } from './network';
import { vmPaths } from './paths';
import { VmRepo } from './repo';
import { VmInputError } from './schema';
import { Supervisor } from './supervisor';
import { DeviceOwnership } from '../devices/ownership';
import { JETSON_CAPS, X86_CAPS, vmDef } from './testing/fixtures';
import { orinSnapshot } from './testing/orin-snapshot';
import { ChangeBus } from '../events';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-guests-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const paths = vmPaths('/var/lib/jetvm', 'web');
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGtleQ user@laptop';
const disk = path.join(tmp, 'disk.raw');
const iso = path.join(tmp, 'debian.iso');
fs.writeFileSync(disk, Buffer.alloc(1 << 20));
fs.writeFileSync(iso, Buffer.alloc(1 << 20));

const nat = { mode: 'user' as const, bridge: null, mac: '52:54:00:aa:bb:cc', forwards: [{ proto: 'tcp' as const, hostPort: 2222, guestPort: 22 }] };
const uefiVm = vmDef({
  name: 'web', firmware: 'uefi', kernel: null, initrd: null, devices: ['0005:01:00.0'], disks: [{ path: '/srv/images/web.qcow2', format: 'qcow2' }],
  cdroms: ['/srv/iso/debian-12-arm64.iso'], boot: 'disk', network: nat,
  cloudInit: { hostname: 'web', user: 'jetvm', passwordHash: null, sshKeys: [KEY], userData: null },
});

/** libvirt wants an absolute emulator path */
const CAPS = { ...JETSON_CAPS, binary: '/usr/bin/qemu-system-aarch64' };

function validateXml(text: string) {
  const f = path.join(tmp, `d${Math.random().toString(36).slice(2)}.xml`);
  fs.writeFileSync(f, text);
  const r = spawnSync('virt-xml-validate', [f, 'domain'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stderr + r.stdout;
}

describe('argv and exports', () => {
  it('UEFI: AAVMF code read-only + the VM\'s own vars, disk then CD-ROM by bootindex, seed CD-ROM, NAT with a forward and the MAC', () => {
    const b = buildQemuArgv(uefiVm, orinSnapshot(), JETSON_CAPS, paths);
    const a = b.argv;
    expect(a).not.toContain('-kernel');
    expect(a).not.toContain('-append');
    expect(a).toContain('if=pflash,format=raw,unit=0,file=/usr/share/AAVMF/AAVMF_CODE.fd,readonly=on');
    expect(a).toContain(`if=pflash,format=raw,unit=1,file=${paths.efiVars}`);
    expect(a).toContain('virtio-blk-pci,drive=disk0,bootindex=0');
    expect(a).toContain('scsi-cd,bus=scsi0.0,drive=cd0,bootindex=1');
    expect(a).toContain(`if=none,id=cidata,file=${paths.seedIso},format=raw,media=cdrom,readonly=on`);
    expect(a).toContain('scsi-cd,bus=scsi0.0,drive=cidata');
    expect(a).toContain('user,id=net0,hostfwd=tcp:127.0.0.1:2222-:22');
    expect(a).toContain('virtio-net-pci,netdev=net0,mac=52:54:00:aa:bb:cc,romfile=');
    expect(b.notes.join('\n')).toMatch(/forwards host 127\.0\.0\.1:2222 → guest 22\/tcp/);
  });

  it('a forward opened to the LAN listens on every host address, in the argv and the libvirt XML', () => {
    const vm = { ...uefiVm, network: { ...nat, forwards: [{ proto: 'tcp' as const, hostPort: 2222, guestPort: 22, lan: true }] } };
    expect(buildQemuArgv(vm, orinSnapshot(), X86_CAPS, paths).argv).toContain('user,id=net0,hostfwd=tcp:0.0.0.0:2222-:22');
    const xml = toLibvirtXml(vm, orinSnapshot(), CAPS, paths);
    expect(xml).toContain("<portForward proto='tcp' address='0.0.0.0'>");
    validateXml(xml);
  });

  it('CD-ROM first for an installer; a bridge instead of NAT', () => {
    const vm = { ...uefiVm, boot: 'cdrom' as const, network: { ...nat, mode: 'bridge' as const, bridge: 'br0', forwards: [] } };
    const a = buildQemuArgv(vm, orinSnapshot(), X86_CAPS, paths).argv;
    expect(a).toContain('scsi-cd,bus=scsi0.0,drive=cd0,bootindex=0');
    expect(a).toContain('virtio-blk-pci,drive=disk0,bootindex=1');
    expect(a).toContain('bridge,id=net0,br=br0');
  });

  it('the -kernel guest keeps its shape: no firmware, disks on if=virtio, no NIC unless asked', () => {
    const a = buildQemuArgv(vmDef({ disks: [{ path: '/d.raw', format: 'raw' }] }), orinSnapshot(), X86_CAPS, paths).argv;
    expect(a).toContain('-kernel');
    expect(a).toContain('file=/d.raw,if=virtio,format=raw');
    expect(a.join(' ')).not.toMatch(/pflash|netdev|scsi/);
  });

  it('libvirt XML (UEFI loader + nvram, boot order, CD-ROMs, user/passt and bridge interfaces) passes virt-xml-validate; the script passes sh -n', () => {
    const xml = toLibvirtXml(uefiVm, orinSnapshot(), CAPS, paths);
    expect(xml).toContain("<loader readonly='yes' type='pflash'>/usr/share/AAVMF/AAVMF_CODE.fd</loader>");
    expect(xml).toContain(`<nvram template='/usr/share/AAVMF/AAVMF_VARS.fd'>${paths.efiVars}</nvram>`);
    expect(xml).toContain("<mac address='52:54:00:aa:bb:cc'/>");
    expect(xml).toMatch(/<portForward proto='tcp' address='127\.0\.0\.1'>\s*<range start='2222' to='22'\/>/);
    expect(validateXml(xml)).toMatch(/validates/);
    const bridged = toLibvirtXml({ ...uefiVm, cloudInit: null, network: { ...nat, mode: 'bridge', bridge: 'br0', forwards: [] } }, orinSnapshot(), CAPS, paths);
    expect(bridged).toContain("<source bridge='br0'/>");
    expect(validateXml(bridged)).toMatch(/validates/);
    const script = path.join(tmp, 'run.sh');
    fs.writeFileSync(script, toShellScript(buildQemuArgv(uefiVm, orinSnapshot(), JETSON_CAPS, paths).argv));
    execFileSync('sh', ['-n', script]);
  });
});

describe('stored definitions', () => {
  let db: Db;
  let repo: VmRepo;
  let n = 0;
  beforeEach(() => {
    db = openDb(tmp, `g${n++}.sqlite`);
    repo = new VmRepo(db, [tmp]);
  });
  const base = { name: 'web', firmware: 'uefi', memoryMiB: 512, vcpus: 1, disks: [{ path: disk, format: 'raw' }] };

  it('UEFI needs something to boot, -kernel needs a kernel; nothing is stored on refusal', () => {
    expect(() => repo.create({ ...base, disks: [] })).toThrow(/UEFI boots from a disk or a CD-ROM/);
    expect(() => repo.create({ name: 'k', memoryMiB: 512, vcpus: 1 })).toThrow(/kernel image is needed/);
    expect(() => repo.create({ ...base, cdroms: ['/nonexistent.iso'] })).toThrow(/cdroms\.0: \/nonexistent\.iso does not exist/);
    expect(() => repo.create({ ...base, network: { mode: 'bridge' } })).toThrow(/existing host bridge/);
    expect(() => repo.create({ ...base, network: { mode: 'user', forwards: [{ hostPort: 2222, guestPort: 22 }, { hostPort: 2222, guestPort: 80 }] } })).toThrow(/same host port twice/);
    expect(() => repo.create({ ...base, cloudInit: { hostname: 'Web_1' } })).toThrow(VmInputError);
    expect(() => repo.create({ ...base, cloudInit: { hostname: 'web', sshKeys: ['not a key'] } })).toThrow(/OpenSSH public key/);
    expect(repo.list()).toEqual([]);
  });

  it('NAT by default with a MAC derived from the name; the password is kept only as a SHA-512 crypt hash, and an edit without one keeps it', () => {
    const vm = repo.create({ ...base, cdroms: [iso], cloudInit: { hostname: 'web', password: 'hunter22', sshKeys: [KEY] } });
    expect(vm.network).toEqual({ mode: 'user', bridge: null, mac: macFor('web'), forwards: [] });
    expect(vm.cloudInit!.passwordHash).toMatch(/^\$6\$/);
    expect(JSON.stringify(db.prepare('SELECT * FROM vms').all())).not.toContain('hunter22');
    const edited = repo.update('web', { cloudInit: { hostname: 'web2', sshKeys: [] }, network: { mode: 'user', forwards: [{ hostPort: 8080, guestPort: 80 }] } });
    expect(edited.cloudInit).toMatchObject({ hostname: 'web2', passwordHash: vm.cloudInit!.passwordHash, sshKeys: [] });
    expect(edited.network!.mac).toBe(vm.network!.mac);
    expect(repo.get('web')).toEqual(edited);
  });

  it('a clone gets its own MAC and does not autostart', () => {
    repo.create({ ...base, autostart: { enabled: true, order: 2, delaySeconds: 5 } });
    const c = repo.clone('web', 'web-b');
    expect(c.network!.mac).toBe(macFor('web-b'));
    expect(c.network!.mac).not.toBe(macFor('web'));
    expect(c.autostart).toEqual({ enabled: false, order: 0, delaySeconds: 0 });
  });
});

describe('cloud-init seed', () => {
  const c = { hostname: 'web', user: 'jetvm', passwordHash: '$6$salt$hash', sshKeys: [KEY], userData: null };

  it('meta-data changes its instance id with the content; user-data is #cloud-config with the user, hash and key', () => {
    expect(metaData('web', c)).toMatch(/^instance-id: web-[0-9a-f]{12}\nlocal-hostname: web\n$/);
    expect(metaData('web', c)).not.toBe(metaData('web', { ...c, hostname: 'web2' }));
    const ud = userData(c);
    expect(ud.split('\n')[0]).toBe('#cloud-config');
    expect(ud).toContain('  - name: jetvm');
    expect(ud).toContain('    passwd: "$6$salt$hash"');
    expect(ud).toContain(`      - ${KEY}`);
    expect(userData({ ...c, userData: '#!/bin/sh\necho hi' })).toBe('#!/bin/sh\necho hi\n');
  });

  it('is an ISO 9660 volume labelled cidata holding both files (read back with isoinfo); no seed, no file', () => {
    const out = path.join(tmp, 'cidata.iso');
    expect(writeSeed({ name: 'web', cloudInit: c }, out)).toBe(out);
    expect(execFileSync('isoinfo', ['-d', '-i', out]).toString()).toMatch(/Volume id: cidata/);
    expect(execFileSync('isoinfo', ['-R', '-x', '/user-data', '-i', out]).toString()).toBe(userData(c));
    expect(execFileSync('isoinfo', ['-R', '-x', '/meta-data', '-i', out]).toString()).toBe(metaData('web', c));
    expect(writeSeed({ name: 'web', cloudInit: null }, out)).toBeNull();
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('images', () => {
  const store = new ImageStore(path.join(tmp, 'images'));

  it('imports (format detected), overlays thinly, creates and grows; refuses overwrite, shrink and resizing an image in use', async () => {
    const src = path.join(tmp, 'cloud.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', src, '1G']);
    const imported = await store.import({ source: src, name: 'focal' });
    expect(imported).toMatchObject({ name: 'focal.qcow2', format: 'qcow2', virtualBytes: 1 << 30, backing: null });
    await expect(store.import({ source: src, name: 'focal' })).rejects.toThrow(/already exists/);
    await expect(store.import({ source: path.join(tmp, 'nope'), name: 'x' })).rejects.toThrow(/not a readable disk image/);
    const ov = await store.overlay({ base: 'focal.qcow2', name: 'vm1' });
    expect(ov).toMatchObject({ name: 'vm1.qcow2', format: 'qcow2', backing: imported.path });
    expect(ov.fileBytes).toBeLessThan(1 << 20);
    const empty = await store.create({ name: 'data', sizeGiB: 2, format: 'raw' });
    expect(empty).toMatchObject({ name: 'data.img', format: 'raw', virtualBytes: 2 * 1024 ** 3 });
    expect((await store.resize({ name: 'vm1.qcow2', sizeGiB: 3 }, () => null)).virtualBytes).toBe(3 * 1024 ** 3);
    await expect(store.resize({ name: 'vm1.qcow2', sizeGiB: 1 }, () => null)).rejects.toThrow(/shrinking is refused/);
    await expect(store.resize({ name: 'vm1.qcow2', sizeGiB: 4 }, () => 'web')).rejects.toThrow(/used by the running VM "web"/);
    expect((await store.list()).map((i) => i.name)).toEqual(['data.img', 'focal.qcow2', 'vm1.qcow2']);

    // two running VMs never write one image: not the same disk, not a base another VM writes
    const a = { name: 'a', disks: [{ path: ov.path, format: 'qcow2' as const }] };
    expect(writerConflicts(a, [{ name: 'b', disks: [{ path: ov.path, format: 'qcow2' }] }])).toEqual([expect.stringMatching(/is a disk of the running VM "b"/)]);
    expect(writerConflicts(a, [{ name: 'b', disks: [{ path: imported.path, format: 'qcow2' }] }])).toEqual([expect.stringMatching(/the base of .*vm1\.qcow2, is written by the running VM "b"/)]);
    const ov2 = await store.overlay({ base: 'focal.qcow2', name: 'vm2' });
    expect(writerConflicts({ disks: [{ path: ov2.path, format: 'qcow2' }] }, [a])).toEqual([]);
  });
});

describe('checks autostart obeys', () => {
  it('a missing bridge, one the bridge helper may not use, and a port another running VM forwards are errors', () => {
    const host = { sysClassNet: path.join(tmp, 'sys-class-net'), bridgeConf: path.join(tmp, 'bridge.conf') };
    fs.mkdirSync(path.join(host.sysClassNet, 'br0', 'bridge'), { recursive: true });
    fs.mkdirSync(path.join(host.sysClassNet, 'br1', 'bridge'), { recursive: true });
    fs.mkdirSync(path.join(host.sysClassNet, 'eth0'), { recursive: true });
    fs.writeFileSync(host.bridgeConf, '# qemu-bridge-helper\nallow br0\n');
    const bridged = (bridge: string) => networkChecks({ ...nat, mode: 'bridge', bridge, forwards: [] }, new Map(), host);
    expect(bridged('br0')).toEqual([]);
    expect(bridged('eth0')[0].message).toMatch(/no host bridge eth0/);
    expect(bridged('br1')[0].message).toBe(`QEMU's bridge helper may not use br1: add the line "allow br1" to ${host.bridgeConf}`);
    expect(guestChecks(uefiVm, [{ ...uefiVm, name: 'other', disks: [] }]).map((c) => c.message)).toContain('host port 2222 is already forwarded to the running VM "other"');
  });

  it('runs in order and skips a VM whose device is not there, saying why (UI and audit log)', async () => {
    const db = openDb(tmp, 'autostart.sqlite');
    const scan = () => orinSnapshot();
    const sup = new Supervisor({ db, dataDir: path.join(tmp, 'as'), imageDirs: [tmp], caps: X86_CAPS, jetsonCaps: JETSON_CAPS, scan, sim: true, events: new ChangeBus(), devices: new DeviceOwnership({ db, scan }) });
    const kernel = path.join(tmp, 'Image');
    fs.writeFileSync(kernel, 'k');
    const mk = (name: string, order: number, enabled = true) =>
      sup.repo.create({ name, kernel, memoryMiB: 256, vcpus: 1, devices: ['0009:01:00.0'], autostart: { enabled, order, delaySeconds: order } });
    mk('second', 2);
    mk('first', 1);
    mk('never', 0, false);
    expect(autostartQueue(sup.repo.list()).map((v) => v.name)).toEqual(['first', 'second']);
    const outcomes = await runAutostart({ supervisor: sup, db, sleep: async () => undefined });
    expect([...outcomes.keys()]).toEqual(['first', 'second']);
    expect(outcomes.get('first')).toMatchObject({ result: 'skipped', message: expect.stringMatching(/^not started: 0009:01:00\.0 is not on this host/) });
    const audit = listAudit(db).filter((e) => e.action === 'vm.autostart');
    expect(audit.map((e) => [e.target, e.result, e.actor])).toEqual([['second', 'refused', 'autostart'], ['first', 'refused', 'autostart']]);
    expect(sup.status('first').state).toBe('stopped');

    // a dashboard shutting down (detachAll) during a delay starts nothing more
    sup.autostartOutcomes.clear();
    const late = await runAutostart({ supervisor: sup, db, sleep: async () => sup.detachAll() });
    expect(late.size).toBe(0);
    db.close();
  });
});
