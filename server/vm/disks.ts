// Disk images in the image directory: import (raw or qcow2, e.g. a distribution's cloud image), thin
// qcow2 overlays on a base, new empty disks, resize. All through qemu-img; nothing is overwritten.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { VmInputError } from './schema';
import { importSourceProblem } from './image-dirs';
import type { DiskFormat, VmDefinition } from './types';

const run = promisify(execFile);
const IMAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const GiB = 1024 ** 3;

/** Where imported and created images live: <dataDir>/images. */
export function imageDir(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'images');
}

export const imageNameSchema = z.string().regex(IMAGE_NAME, 'an image name is 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit');
const sizeGiBSchema = z.int().min(1).max(4096);

export const importSchema = z.strictObject({ source: z.string().min(1).refine((p) => path.isAbsolute(p), 'must be an absolute path'), name: imageNameSchema });
export const overlaySchema = z.strictObject({ base: imageNameSchema, name: imageNameSchema });
export const createSchema = z.strictObject({ name: imageNameSchema, sizeGiB: sizeGiBSchema, format: z.enum(['raw', 'qcow2']).default('qcow2') });
export const resizeSchema = z.strictObject({ name: imageNameSchema, sizeGiB: sizeGiBSchema });

export interface ImageInfo {
  name: string;
  path: string;
  format: DiskFormat;
  virtualBytes: number;
  fileBytes: number;
  /** the base image of a qcow2 overlay */
  backing: string | null;
}

export async function imageInfo(file: string): Promise<ImageInfo> {
  const { stdout } = await run('qemu-img', ['info', '--output=json', '-U', file]);
  const j = JSON.parse(stdout) as { format: string; 'virtual-size': number; 'actual-size': number; 'full-backing-filename'?: string };
  if (j.format !== 'raw' && j.format !== 'qcow2') throw new VmInputError([{ path: [], message: `${file}: ${j.format} images are not supported (raw or qcow2)` }]);
  return { name: path.basename(file), path: file, format: j.format, virtualBytes: j['virtual-size'], fileBytes: j['actual-size'], backing: j['full-backing-filename'] ?? null };
}

export class ImageStore {
  constructor(readonly dir: string) {}

  private target(name: string, format?: DiskFormat): string {
    const file = path.join(this.dir, format && !name.includes('.') ? `${name}.${format === 'qcow2' ? 'qcow2' : 'img'}` : name);
    if (fs.existsSync(file)) throw new VmInputError([{ path: ['name'], message: `an image ${path.basename(file)} already exists in ${this.dir}` }]);
    return file;
  }

  private existing(name: string): string {
    const file = path.join(this.dir, imageNameSchema.parse(name));
    if (!fs.existsSync(file)) throw new VmInputError([{ path: [], message: `there is no image ${name} in ${this.dir}` }]);
    return file;
  }

  async list(): Promise<ImageInfo[]> {
    if (!fs.existsSync(this.dir)) return [];
    const names = fs.readdirSync(this.dir).filter((n) => IMAGE_NAME.test(n) && !n.endsWith('.part')).sort();
    const out: ImageInfo[] = [];
    for (const n of names) out.push(await imageInfo(path.join(this.dir, n)).catch(() => null as never));
    return out.filter(Boolean);
  }

  /** Copies a raw or qcow2 image into the directory (format detected by qemu-img, not by the name). */
  async import(input: unknown): Promise<ImageInfo> {
    const { source, name } = importSchema.parse(input);
    const refused = importSourceProblem(source);
    if (refused) throw new VmInputError([{ path: ['source'], message: refused }]);
    const src = await imageInfo(source).catch((e: Error) => {
      throw new VmInputError([{ path: ['source'], message: `${source} is not a readable disk image (${e.message.split('\n').pop()})` }]);
    });
    const file = this.target(name, src.format);
    fs.mkdirSync(this.dir, { recursive: true });
    const part = `${file}.part`;
    try {
      // convert (not copy): a qcow2 with a backing file becomes self-contained; raw stays sparse
      await run('qemu-img', ['convert', '-U', '-O', src.format, source, part]);
      fs.renameSync(part, file);
    } finally {
      fs.rmSync(part, { force: true });
    }
    return imageInfo(file);
  }

  /** A thin qcow2 whose reads fall through to the base; the base is never written by a VM using the overlay. */
  async overlay(input: unknown): Promise<ImageInfo> {
    const { base, name } = overlaySchema.parse(input);
    const b = await imageInfo(this.existing(base));
    const file = this.target(name, 'qcow2');
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', b.path, '-F', b.format, file]);
    return imageInfo(file);
  }

  async create(input: unknown): Promise<ImageInfo> {
    const { name, sizeGiB, format } = createSchema.parse(input);
    fs.mkdirSync(this.dir, { recursive: true });
    const file = this.target(name, format);
    await run('qemu-img', ['create', '-q', '-f', format, file, String(sizeGiB * GiB)]);
    return imageInfo(file);
  }

  /** Grows an image no running VM uses (shrinking would cut the guest's file systems). */
  async resize(input: unknown, inUse: (file: string) => string | null): Promise<ImageInfo> {
    const { name, sizeGiB } = resizeSchema.parse(input);
    const info = await imageInfo(this.existing(name));
    const holder = inUse(info.path);
    if (holder) throw new VmInputError([{ path: [], message: `${name} is used by the running VM "${holder}": stop it first` }]);
    if (sizeGiB * GiB < info.virtualBytes) throw new VmInputError([{ path: ['sizeGiB'], message: `${name} is ${(info.virtualBytes / GiB).toFixed(1)} GiB; shrinking is refused` }]);
    await run('qemu-img', ['resize', '-q', '-f', info.format, info.path, String(sizeGiB * GiB)]);
    return imageInfo(info.path);
  }
}

/** Every file a disk reads: the image and its backing chain (a qcow2 overlay's bases). */
export function backingChain(file: string): string[] {
  const chain = [file];
  for (let f = file, i = 0; i < 16; i++) {
    const fd = fs.openSync(f, 'r');
    const head = Buffer.alloc(24);
    try {
      fs.readSync(fd, head, 0, 24, 0);
      if (head.subarray(0, 4).toString('latin1') !== 'QFI\xfb') break;
      const off = Number(head.readBigUInt64BE(8));
      const len = head.readUInt32BE(16);
      if (!off || !len) break;
      const name = Buffer.alloc(len);
      fs.readSync(fd, name, 0, len, off);
      f = path.resolve(path.dirname(f), name.toString());
      chain.push(f);
    } finally {
      fs.closeSync(fd);
    }
  }
  return chain;
}

/**
 * Two running VMs never write one image: this VM's writable disks must not be another running VM's
 * disk or base, and its bases must not be written by one. Returns the problems in plain words.
 */
export function writerConflicts(vm: Pick<VmDefinition, 'disks'>, running: Array<Pick<VmDefinition, 'name' | 'disks'>>): string[] {
  const chains = (v: Pick<VmDefinition, 'disks'>) => v.disks.map((d) => (fs.existsSync(d.path) ? backingChain(d.path) : [d.path]));
  const mine = chains(vm);
  const out: string[] = [];
  for (const other of running) {
    const theirs = chains(other);
    const theyWrite = new Set(theirs.map((c) => c[0]));
    const theyRead = new Set(theirs.flat());
    for (const chain of mine) {
      if (theyRead.has(chain[0])) out.push(`${chain[0]} is ${theyWrite.has(chain[0]) ? 'a disk' : 'the base image'} of the running VM "${other.name}": give this VM its own copy or a qcow2 overlay`);
      else for (const base of chain.slice(1)) if (theyWrite.has(base)) out.push(`${base}, the base of ${chain[0]}, is written by the running VM "${other.name}"`);
    }
  }
  return out;
}
