import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../db';
import { ensureDemoVm, VmConflictError, VmNotFoundError, VmRepo } from './repo';
import { VmInputError } from './schema';
import { orinSnapshot } from './testing/orin-snapshot';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-repo-'));
const kernel = path.join(tmp, 'Image');
const initrd = path.join(tmp, 'initrd.gz');
const raw = path.join(tmp, 'disk.raw');
const qcow2 = path.join(tmp, 'disk.qcow2');
fs.writeFileSync(kernel, 'kernel');
fs.writeFileSync(initrd, 'initrd');
fs.writeFileSync(raw, Buffer.alloc(4096));
fs.writeFileSync(qcow2, Buffer.concat([Buffer.from('QFI\xfb', 'latin1'), Buffer.alloc(60)]));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let db: Db;
let repo: VmRepo;
let n = 0;
beforeEach(() => {
  db = openDb(tmp, `t${n++}.sqlite`);
  repo = new VmRepo(db, [tmp]);
});

const good = { name: 'gpu-vm', kernel, initrd, memoryMiB: 1024, vcpus: 2, cmdline: 'console=ttyAMA0 root=/dev/vda1', disks: [{ path: raw, format: 'raw' }], devices: ['0005:01:00.0'] };

function rejects(input: Record<string, unknown>, pattern: RegExp) {
  const before = JSON.stringify(repo.list());
  let err: unknown;
  try {
    repo.create(input);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(VmInputError);
  expect((err as Error).message).toMatch(pattern);
  expect(JSON.stringify(repo.list())).toBe(before);
}

describe('VmRepo.create validation', () => {
  it('stores a valid definition with defaults filled in', () => {
    const vm = repo.create(good);
    expect(repo.get('gpu-vm')).toEqual(vm);
    expect(vm).toMatchObject({ accel: 'auto', pciNomsi: false, onStop: 'keep', machineOptions: [] });
  });

  it.each([
    [{ name: 'GPU' }, /name: a VM name is 1–32 characters/],
    [{ name: '-x' }, /name:/],
    [{ name: 'a'.repeat(33) }, /name:/],
    [{ kernel: path.join(tmp, 'nope') }, /kernel: .*nope does not exist/],
    [{ kernel: 'Image' }, /kernel: must be an absolute path/],
    [{ kernel: `${kernel}\n` }, /kernel: must not contain NUL or newline/],
    [{ initrd: tmp }, /initrd: .* is not a regular file/],
    [{ memoryMiB: 10 ** 6 }, /memoryMiB:/],
    [{ memoryMiB: 1.5 }, /memoryMiB:/],
    [{ vcpus: 0 }, /vcpus:/],
    [{ cmdline: 'console=ttyAMA0\ninit=/bin/sh' }, /cmdline: must be printable ASCII/],
    [{ cmdline: 'x'.repeat(1025) }, /cmdline: is longer than 1024/],
    [{ devices: ['5:1:0.0'] }, /devices.0: is not a PCI address/],
    [{ devices: ['0005:01:00.0', '0005:01:00.0'] }, /devices: lists a device twice/],
    [{ machineOptions: ['gic-version=2'] }, /machine option "gic-version" is not allowed/],
    [{ machineOptions: ['highmem=maybe'] }, /highmem cannot be "maybe"/],
    [{ machineOptions: ['highmem-mmio-size=768G'] }, /highmem-mmio-size must be a power of two of at least 512G \(QEMU refuses others\), not 768G/],
    [{ machineOptions: ['highmem-mmio-size=256G'] }, /power of two of at least 512G/],
    [{ machineOptions: ['its=on', 'its=off'] }, /sets a machine option twice/],
    [{ accel: 'hvf' }, /accel:/],
    [{ disks: [{ path: raw, format: 'qcow2' }] }, /is not a qcow2 image/],
    [{ disks: [{ path: qcow2, format: 'raw' }] }, /is a qcow2 image, not raw/],
    [{ disks: [{ path: raw, format: 'raw' }, { path: raw, format: 'raw' }] }, /listed twice/],
    [{ rootPassword: 'x' }, /Unrecognized key/],
  ])('refuses %j and stores nothing', (patch, pattern) => rejects({ ...good, ...patch }, pattern));

  it('normalises device addresses and paths', () => {
    const vm = repo.create({ ...good, devices: ['0005:01:00.0 '.toUpperCase()], kernel: `${tmp}/./x/../Image`, disks: [{ path: qcow2, format: 'qcow2' }] });
    expect(vm.devices).toEqual(['0005:01:00.0']);
    expect(vm.kernel).toBe(kernel);
  });

  it('refuses a second VM with the same name', () => {
    repo.create(good);
    expect(() => repo.create(good)).toThrow(VmConflictError);
  });
});

describe('VmRepo update, clone, delete', () => {
  it('update changes only the fields sent', () => {
    const vm = repo.create({ ...good, pciNomsi: true });
    const next = repo.update('gpu-vm', { memoryMiB: 2048 });
    expect(next).toEqual({ ...vm, memoryMiB: 2048, updatedAt: next.updatedAt });
    expect(repo.get('gpu-vm')).toEqual(next);
  });

  it('a bad update changes nothing', () => {
    repo.create(good);
    const before = repo.get('gpu-vm');
    expect(() => repo.update('gpu-vm', { memoryMiB: 2048, kernel: '/no/such/kernel' })).toThrow(/kernel: \/no\/such\/kernel does not exist/);
    expect(() => repo.update('gpu-vm', { name: 'other' })).toThrow(VmInputError);
    expect(repo.get('gpu-vm')).toEqual(before);
    expect(() => repo.update('nope', { memoryMiB: 512 })).toThrow(VmNotFoundError);
  });

  it('clone copies under a new valid name', () => {
    repo.create(good);
    const copy = repo.clone('gpu-vm', 'gpu-vm-2');
    expect(copy).toMatchObject({ ...good, name: 'gpu-vm-2', disks: good.disks });
    expect(() => repo.clone('gpu-vm', 'gpu-vm-2')).toThrow(/already exists/);
    expect(() => repo.clone('gpu-vm', 'Bad Name')).toThrow(VmInputError);
    expect(repo.list().map((v) => v.name)).toEqual(['gpu-vm', 'gpu-vm-2']);
  });

  it('delete refuses a VM that holds devices, then deletes', () => {
    repo.create(good);
    db.prepare('INSERT INTO vm_device_claims (address, vm, claimed_at) VALUES (?, ?, ?)').run('0005:01:00.0', 'gpu-vm', 'now');
    expect(() => repo.delete('gpu-vm')).toThrow(/is running: stop it/);
    db.prepare('DELETE FROM vm_device_claims').run();
    repo.delete('gpu-vm');
    expect(repo.get('gpu-vm')).toBeNull();
    expect(() => repo.delete('gpu-vm')).toThrow(VmNotFoundError);
  });
});

describe('ensureDemoVm', () => {
  it('creates "demo" once with both x8-slot GPU functions', () => {
    const r = ensureDemoVm(db, orinSnapshot(), { dir: tmp, kernel, initrd }, [tmp]);
    expect(r.created).toBe(true);
    expect(r.vm?.devices).toEqual(['0005:01:00.0', '0005:01:00.1']);
    repo.update('demo', { memoryMiB: 512 });
    const again = ensureDemoVm(db, orinSnapshot(), { dir: tmp, kernel, initrd }, [tmp]);
    expect(again.created).toBe(false);
    expect(again.vm?.memoryMiB).toBe(512);
  });

  it('says so when the guest is not built, and creates nothing', () => {
    const r = ensureDemoVm(db, orinSnapshot(), { dir: tmp, kernel: path.join(tmp, 'missing'), initrd }, [tmp]);
    expect(r.vm).toBeNull();
    expect(r.message).toMatch(/npm run guest:build/);
    expect(repo.list()).toEqual([]);
  });
});
