// Issue #13: VM kernel and disk paths could name any host file (-drive file=/etc/shadow was accepted).
// Replayed over HTTP: only regular files inside the image directories are accepted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from './harness';

const server = useTestServer({ loginAdmin: true });
let images: string;
let outside: string;
let kernel: string;
beforeAll(() => {
  images = path.join(server.app.services.config.dataDir, 'images');
  fs.mkdirSync(images, { recursive: true });
  kernel = path.join(images, 'Image');
  fs.writeFileSync(kernel, 'kernel');
  fs.writeFileSync(path.join(images, 'data.raw'), Buffer.alloc(4096));
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-outside-'));
  fs.writeFileSync(path.join(outside, 'disk.raw'), Buffer.alloc(4096));
});
afterAll(() => {
  fs.rmSync(outside, { recursive: true, force: true });
});

const create = (fields: Record<string, unknown>) => server.mutate('vms.create', { name: 'probe', memoryMiB: 256, vcpus: 1, kernel, ...fields }, { cookie: server.admin });

describe('VM files come only from the image directories', () => {
  it('refuses system files, device nodes, files elsewhere and symlinks out of the directory, and writes nothing', async () => {
    fs.symlinkSync('/etc/passwd', path.join(images, 'sneaky.raw'));
    fs.symlinkSync('/dev/zero', path.join(images, 'zero.raw'));
    const before = server.rowCounts().vms;
    for (const [fields, message] of [
      [{ disks: [{ path: '/etc/shadow', format: 'raw' }] }, /disks\.0: \/etc\/shadow is outside the image directories/],
      [{ kernel: '/etc/passwd' }, /kernel: \/etc\/passwd is outside the image directories/],
      [{ initrd: '/proc/self/environ' }, /initrd: \/proc\/self\/environ is outside the image directories/],
      [{ disks: [{ path: '/dev/sda', format: 'raw' }] }, /outside the image directories|does not exist/],
      [{ disks: [{ path: path.join(outside, 'disk.raw'), format: 'raw' }] }, /is outside the image directories/],
      [{ disks: [{ path: path.join(images, 'sneaky.raw'), format: 'raw' }] }, /sneaky\.raw is outside the image directories/],
      [{ disks: [{ path: path.join(images, 'zero.raw'), format: 'raw' }] }, /zero\.raw is outside the image directories/],
      [{ disks: [{ path: path.join(images, '..', 'jetvm.sqlite'), format: 'raw' }] }, /jetvm\.sqlite is outside the image directories/],
    ] as const) {
      const r = await create(fields);
      expect([r.status, r.body.error?.json.message], JSON.stringify(fields)).toEqual([400, expect.stringMatching(message)]);
    }
    expect(server.rowCounts().vms).toBe(before);
  });

  it('accepts a file in the image directory, and attaches a disk read-only when asked', async () => {
    const r = await create({ disks: [{ path: path.join(images, 'data.raw'), format: 'raw', readOnly: true }] });
    expect(r.status).toBe(200);
    const argv = (await server.query('vms.argv', { name: 'probe' }, { cookie: server.admin })).body.result.data.json.run.argv as string[];
    expect(argv).toContain(`file=${path.join(images, 'data.raw')},if=virtio,format=raw,readonly=on`);
  });

  it('refuses to import a system file or a device node into the image directory (it would launder it into a disk)', async () => {
    for (const [source, message] of [
      ['/etc/shadow', /\/etc\/shadow is in a system directory/],
      ['/dev/zero', /\/dev\/zero is in a system directory/],
      [path.join(images, 'sneaky.raw'), /sneaky\.raw is in a system directory/], // a link to /etc/passwd
    ] as const) {
      const r = await server.mutate('vms.imageImport', { source, name: 'stolen' }, { cookie: server.admin });
      expect([r.status, r.body.error?.json.message], source).toEqual([400, expect.stringMatching(message)]);
    }
    expect(fs.existsSync(path.join(images, 'stolen'))).toBe(false);
    expect(fs.readdirSync(images).filter((n) => n.startsWith('stolen'))).toEqual([]);
  });

  it('the demo VM still uses the demo guest (its cache is an image directory by default)', () => {
    expect(server.app.services.config.imageDirs).toEqual([images, expect.stringMatching(/guest$/)]);
  });
});
