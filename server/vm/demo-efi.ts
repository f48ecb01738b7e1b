// The second demo VM: the demo guest as a real machine would boot — UEFI from a disk image (an overlay
// on the ESP image scripts/build-demo-guest.sh makes), user-mode NAT with a forwarded port, a cloud-init seed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db';
import { freePort } from '../free-port';
import { imageDir } from './disks';
import type { GuestPaths } from './guest';
import { VmRepo } from './repo';
import type { VmDefinition } from './types';

export const DEMO_EFI_VM = 'demo-efi';
/** the guest's busybox httpd */
export const DEMO_GUEST_HTTP_PORT = 80;

/** A thin qcow2 overlay in the image directory on the cached ESP image, so the cache is never written. */
export function demoEfiDisk(dataDir: string, guest: GuestPaths): string {
  const file = path.join(imageDir(dataDir), `${DEMO_EFI_VM}.qcow2`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', guest.efiDisk, '-F', 'raw', file]);
  }
  return file;
}

/** On first start (once the demo guest is built): creates "demo-efi"; never touches an existing one. */
export async function ensureDemoEfiVm(db: Db, dataDir: string, guest: GuestPaths, imageDirs: readonly string[]): Promise<{ vm: VmDefinition | null; message: string }> {
  const repo = new VmRepo(db, imageDirs);
  const existing = repo.get(DEMO_EFI_VM);
  if (existing) return { vm: existing, message: 'the UEFI demo VM exists' };
  if (!fs.existsSync(guest.efiDisk)) return { vm: null, message: `UEFI demo disk not built (npm run guest:build): ${guest.efiDisk}` };
  const hostPort = await freePort();
  const vm = repo.create({
    name: DEMO_EFI_VM, firmware: 'uefi', memoryMiB: 256, vcpus: 1, accel: 'auto',
    disks: [{ path: demoEfiDisk(dataDir, guest), format: 'qcow2' }],
    network: { mode: 'user', forwards: [{ proto: 'tcp', hostPort, guestPort: DEMO_GUEST_HTTP_PORT }] },
    cloudInit: { hostname: DEMO_EFI_VM, user: 'jetvm', sshKeys: [] },
  });
  return { vm, message: `created the UEFI demo VM; its web page answers on host port ${hostPort}` };
}
