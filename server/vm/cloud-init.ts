// cloud-init: a NoCloud seed per VM (ISO 9660 volume "cidata" with meta-data and user-data), rebuilt at
// every start from the definition, so an edit reaches the guest on its next boot.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { CloudInitConfig, VmDefinition } from './types';

const HOSTNAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const USER = /^[a-z_][a-z0-9_-]{0,31}$/;
const SSH_KEY = /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+={0,3}( [\x20-\x7e]*)?$/;

export const cloudInitSchema = z.strictObject({
  hostname: z.string().regex(HOSTNAME, 'is not a host name (lower-case letters, digits and "-", up to 63)'),
  user: z.string().regex(USER, 'is not a Linux user name (lower-case, starting with a letter or "_")').default('jetvm'),
  /** plain text in, stored only as a SHA-512 crypt hash; absent on an edit = keep the stored one */
  password: z.string().min(1, 'is empty').max(256).refine((p) => !/[\0\n\r]/.test(p), 'must be one line').optional(),
  sshKeys: z.array(z.string().trim().max(16384).regex(SSH_KEY, 'is not an OpenSSH public key line ("ssh-ed25519 AAAA… comment")')).max(16).default([]),
  userData: z.string().max(65536, 'is longer than 64 KiB').nullable().default(null),
});
export type CloudInitInput = z.output<typeof cloudInitSchema>;

/** SHA-512 crypt ($6$), what cloud-init's passwd: takes; made by openssl (Debian's openssl package). */
export function hashPassword(plain: string): string {
  return execFileSync('openssl', ['passwd', '-6', '-stdin'], { input: plain }).toString().trim();
}

export function toCloudInitConfig(input: CloudInitInput, previous: CloudInitConfig | null | undefined): CloudInitConfig {
  const passwordHash = input.password !== undefined ? hashPassword(input.password) : (previous?.passwordHash ?? null);
  return { hostname: input.hostname, user: input.user, passwordHash, sshKeys: input.sshKeys, userData: input.userData };
}

const yamlString = (s: string) => JSON.stringify(s); // a JSON string is a valid YAML double-quoted scalar

/** meta-data: the instance id changes with the content, so cloud-init applies an edited seed again. */
export function metaData(vmName: string, c: CloudInitConfig): string {
  const id = crypto.createHash('sha256').update(JSON.stringify([vmName, c])).digest('hex').slice(0, 12);
  return `instance-id: ${vmName}-${id}\nlocal-hostname: ${c.hostname}\n`;
}

export function userData(c: CloudInitConfig): string {
  if (c.userData) return c.userData.endsWith('\n') ? c.userData : `${c.userData}\n`;
  const lines = ['#cloud-config', `hostname: ${c.hostname}`, 'users:', `  - name: ${c.user}`, '    groups: [sudo]', '    shell: /bin/bash', `    sudo: ${yamlString('ALL=(ALL) NOPASSWD:ALL')}`];
  if (c.passwordHash) lines.push(`    passwd: ${yamlString(c.passwordHash)}`, '    lock_passwd: false');
  if (c.sshKeys.length) lines.push('    ssh_authorized_keys:', ...c.sshKeys.map((k) => `      - ${k}`));
  lines.push(`ssh_pwauth: ${c.passwordHash ? 'true' : 'false'}`);
  return `${lines.join('\n')}\n`;
}

/** Writes the seed ISO (genisoimage from Debian) atomically; returns its path. */
export function writeSeed(vm: Pick<VmDefinition, 'name' | 'cloudInit'>, isoPath: string): string | null {
  if (!vm.cloudInit) {
    fs.rmSync(isoPath, { force: true });
    return null;
  }
  const dir = fs.mkdtempSync(path.join(path.dirname(isoPath), '.cidata-'));
  try {
    fs.writeFileSync(path.join(dir, 'meta-data'), metaData(vm.name, vm.cloudInit));
    fs.writeFileSync(path.join(dir, 'user-data'), userData(vm.cloudInit));
    const tmp = `${isoPath}.tmp`;
    execFileSync('genisoimage', ['-quiet', '-output', tmp, '-volid', 'cidata', '-joliet', '-rock', path.join(dir, 'user-data'), path.join(dir, 'meta-data')], { stdio: ['ignore', 'ignore', 'pipe'] });
    fs.renameSync(tmp, isoPath);
    return isoPath;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
