// Boots the UEFI demo guest under TCG: AAVMF → GRUB on the ESP disk (a qcow2 overlay) → the Debian kernel;
// the guest reads its cloud-init-style seed, takes an address from user-mode NAT and answers on the
// forwarded ports: its web page, and SSH (dropbear) with the key from the seed. Then a "restarted dashboard" (a new Supervisor) starts it again by itself: autostart.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../free-port';
import { listAudit } from '../db/audit';
import { runAutostart } from './autostart';
import { DEMO_EFI_VM, ensureDemoEfiVm } from './demo-efi';
import { imageDir } from './disks';
import { vmPaths } from './paths';
import type { Supervisor } from './supervisor';
import { guestHttpAnswer, makeHarness, waitForText, type Harness } from './testing/harness';

const actor = { actor: 'tester', remote: '127.0.0.1' };
let h: Harness;
const sups: Supervisor[] = [];
let port = 0;
let sshPort = 0;
let keyFile = '';
let KEY = '';

/** Runs a command in the guest over SSH (OpenSSH's client, the key from the seed, dropbear in the guest). */
function ssh(command: string): string {
  return execFileSync('ssh', [
    '-i', keyFile, '-p', String(sshPort), '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
    '-o', 'ConnectTimeout=30', '-o', 'LogLevel=ERROR', 'root@127.0.0.1', command,
  ], { timeout: 60_000 }).toString();
}

const answer = (timeoutMs: number) => guestHttpAnswer(port, timeoutMs);

beforeAll(async () => {
  h = await makeHarness();
  const demo = await ensureDemoEfiVm(h.db, h.dataDir, h.guest, [imageDir(h.dataDir)]);
  expect(demo.vm, demo.message).not.toBeNull();
  port = demo.vm!.network!.forwards[0].hostPort;
  sshPort = await freePort();
  keyFile = path.join(h.dataDir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'tester@jetvm', '-f', keyFile]);
  KEY = fs.readFileSync(`${keyFile}.pub`, 'utf8').trim();
  sups.push(h.supervisor());
  sups[0].repo.update(DEMO_EFI_VM, {
    accel: 'tcg', cloudInit: { hostname: 'efi-test', user: 'jetvm', sshKeys: [KEY] },
    network: { mode: 'user', forwards: [...demo.vm!.network!.forwards, { proto: 'tcp', hostPort: sshPort, guestPort: 22 }] },
  });
});

afterAll(async () => {
  for (const s of sups) for (const st of s.list()) if (st.pid) await s.forceStop(st.name, actor).catch(() => undefined);
  h.cleanup();
});

describe('the UEFI demo guest (TCG)', () => {
  it('boots from its disk through UEFI, applies the seed, and answers on the forwarded port', async () => {
    const sup = sups[0];
    const plan = sup.plan(DEMO_EFI_VM).run.argv;
    expect(plan).not.toContain('-kernel');
    expect(plan.join(' ')).toMatch(/if=pflash,format=raw,unit=0,file=\/usr\/share\/AAVMF\/AAVMF_CODE\.fd,readonly=on/);
    expect(plan).toContain(`user,id=net0,hostfwd=tcp:127.0.0.1:${port}-:80,hostfwd=tcp:127.0.0.1:${sshPort}-:22`);
    await sup.start(DEMO_EFI_VM, actor);
    const page = await answer(120_000);
    expect(page).toContain('jetvm guest efi-test');
    expect(page).toContain('eth0 address 10.0.2.15');
    expect(page).toContain(KEY);
    const log = await waitForText(vmPaths(h.dataDir, DEMO_EFI_VM).consoleLog, 'root@efi-test:/# ', 30_000);
    expect(log).toMatch(/cidata seed on \/dev\/sr0: hostname efi-test, 1 ssh key/);
    expect(log).toContain('EFI stub: Booting Linux Kernel');
    // the key from the seed lets us in over the forwarded SSH port; a key not in the seed does not
    expect(ssh('hostname; cat /tmp/address').trim()).toBe('efi-test\neth0 address 10.0.2.15');
    const stranger = path.join(h.dataDir, 'stranger');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
    const saved = keyFile;
    keyFile = stranger;
    expect(() => ssh('true')).toThrow(/Permission denied/);
    keyFile = saved;
  });

  it('starts by itself after a dashboard restart when autostart is on', async () => {
    const first = sups[0];
    first.repo.update(DEMO_EFI_VM, { autostart: { enabled: true, order: 1, delaySeconds: 1 } });
    await first.forceStop(DEMO_EFI_VM, actor);
    first.detachAll();
    const next = h.supervisor();
    sups.push(next);
    await next.adoptAll();
    const outcomes = await runAutostart({ supervisor: next, db: h.db });
    expect(outcomes.get(DEMO_EFI_VM)).toMatchObject({ result: 'started' });
    expect((await answer(120_000)).split('\n')[0]).toBe('jetvm guest efi-test');
    expect(listAudit(h.db).find((e) => e.action === 'vm.start' && e.actor === 'autostart')).toMatchObject({ target: DEMO_EFI_VM, result: 'ok' });
  });
});
