// Machine facts through the Host: the simulated Orin's in sim mode (values this development machine
// does not have), a rig snapshot's in real mode over it, and this machine's at "/".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openHostAt, openSimHost } from './index';
import { readMachineFacts } from './machine-facts';
import { ORIN_CMDLINE } from './sim/orin-proc';
import { unpackFixture } from './scan/fixtures';
import { gatherPreflightFacts } from '../passthrough/preflight-gather';
import { jetsonCaps, probeCaps, THIS_MACHINE } from '../vm/caps';

const dirs: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-facts-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('machine facts', () => {
  it('sim mode: the simulated Orin\'s kernel command line, L4T release, CPUs, KVM and limits', async () => {
    const host = openSimHost(tempDir(), 't600');
    const facts = readMachineFacts(host);
    expect(facts).toMatchObject({ arch: 'arm64', kvm: 'usable', memlockBytes: null, capIpcLock: true, privileged: true, l4tRelease: 'R36.4.2', cpus: 12, kernelCmdline: ORIN_CMDLINE });
    expect(facts.kernelCmdline).toContain('console=ttyTCU0,115200');
    expect(facts.memoryBytes).toBeGreaterThan(60 * 1024 ** 3);
    // not this machine's
    expect(facts.kernelCmdline).not.toBe(fs.readFileSync('/proc/cmdline', 'utf8').trim());
    expect(readMachineFacts(openSimHost(tempDir(), 't600', 'r35')).l4tRelease).toBe('R35.2.1');

    // preflight and the Jetson-side QEMU caps read the same facts
    const pf = await gatherPreflightFacts(host.scan(), { mode: 'sim', root: host.root, qemuBinary: 'qemu-system-aarch64', guestRamBytes: 1024 ** 3 });
    expect(pf).toMatchObject({ kvm: 'usable', memlockBytes: null, privileged: true, isOrin: true });
    const here = await probeCaps('qemu-system-aarch64');
    const board = await probeCaps('qemu-system-aarch64', facts);
    expect(board).toMatchObject({ version: here.version, hostArch: 'arm64', kvmUsable: true, kvmReason: null, memlockBytes: null, capIpcLock: true });
    // the VM page's "on the Jetson" argv is built for what the simulated board has, with this machine's QEMU
    expect(jetsonCaps(here, host)).toEqual(board);
    fs.rmSync(path.join(host.root, 'dev/kvm'));
    expect(jetsonCaps(here, host)).toMatchObject({ kvmUsable: false, kvmReason: expect.stringMatching(/does not exist/) });
  });

  it('real mode over a kernel-rig snapshot: what the snapshot holds, nothing from this machine', async () => {
    const root = unpackFixture('gpu', tempDir());
    const facts = readMachineFacts(openHostAt(root, 'real'));
    expect(facts).toEqual({ arch: null, kvm: 'missing', ipaBits: null, memlockBytes: undefined, capIpcLock: false, privileged: false, kernelCmdline: null, l4tRelease: null, cpus: null, memoryBytes: null });
    const here = await probeCaps('qemu-system-aarch64');
    expect(await probeCaps('qemu-system-aarch64', facts)).toMatchObject({ kvmUsable: false, kvmReason: expect.stringMatching(/unknown architecture/) });
    // real mode: the "on the Jetson" command line is this machine's
    expect(jetsonCaps(here, openHostAt(root, 'real'))).toBe(here);
  });

  it('this machine at "/": its own /proc', async () => {
    const facts = readMachineFacts(THIS_MACHINE);
    expect(facts.arch).toBe(process.arch);
    expect(facts.kernelCmdline).toBe(fs.readFileSync('/proc/cmdline', 'utf8').trim() || null);
    expect(facts.cpus).toBe(fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^processor\s*:/gm)?.length ?? null);
    expect(facts.memoryBytes).toBe(os.totalmem());
    expect(facts.privileged).toBe(process.geteuid?.() === 0);
    expect((await probeCaps('qemu-system-aarch64')).hostArch).toBe(process.arch);
  });
});
