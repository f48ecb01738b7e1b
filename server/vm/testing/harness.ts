// Shared set-up for tests and the boot benchmark: a temp data dir, real SQLite, the real demo guest
// (built by the project script if missing), and a sim-mode Supervisor over the simulated Orin snapshot.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HubOptions } from '../../console/hub';
import { ConsoleService } from '../../console/service';
import { openDb, type Db } from '../../db';
import { probeCaps } from '../caps';
import { buildGuest, guestBuilt, guestPaths, type GuestPaths } from '../guest';
import { VmRepo } from '../repo';
import { Supervisor } from '../supervisor';
import type { HostSize } from '../sizing';
import { DeviceOwnership, type ReturnToHost } from '../../devices/ownership';
import { imageDir } from '../disks';
import type { QemuCaps } from '../types';
import { onTheJetson } from './fixtures';
import { orinSnapshot } from './orin-snapshot';
import { ChangeBus } from '../../events';

export function demoGuest(): GuestPaths {
  return guestBuilt() ? guestPaths() : buildGuest();
}

export interface Harness {
  dataDir: string;
  db: Db;
  caps: QemuCaps;
  guest: GuestPaths;
  /** the console hubs, as in the dashboard: they connect to a launching VM's serial socket and record its output */
  consoles: ConsoleService;
  /**
   * A supervisor over the simulated Orin's snapshot. returnToHost: what the "return" stop policy calls
   * (this snapshot is no host to write to); qmpTimeoutMs: how long a QMP command may go unanswered;
   * hostSize: the CPUs and memory VMs are sized against (unknown by default: the static limits).
   */
  supervisor: (o?: { returnToHost?: ReturnToHost; qmpTimeoutMs?: number; hostSize?: HostSize }) => Supervisor;
  cleanup: () => Promise<void>;
}

export async function makeHarness(dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-vm-')), opts: { hub?: HubOptions } = {}): Promise<Harness> {
  const guest = demoGuest();
  const db = openDb(dataDir);
  const caps = await probeCaps(process.env.JETVM_QEMU || 'qemu-system-aarch64');
  const imageDirs = [guest.dir, imageDir(dataDir)];
  const repo = new VmRepo(db, imageDirs);
  const events = new ChangeBus();
  const consoles = new ConsoleService(dataDir, { exists: (vm) => repo.get(vm) !== null, hub: opts.hub, events });
  consoles.start();
  return {
    dataDir, db, caps, guest, consoles,
    supervisor: ({ returnToHost, qmpTimeoutMs, hostSize } = {}) => {
      const scan = () => orinSnapshot();
      const devices = new DeviceOwnership({ db, scan, returnToHost });
      return new Supervisor({ db, dataDir, imageDirs, caps, jetsonCaps: onTheJetson(caps), scan, sim: true, events, devices, qmpTimeoutMs, hostSize, onLaunching: (vm) => consoles.launching(vm) });
    },
    cleanup: async () => {
      await consoles.close();
      db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A small TCG demo VM with the x8-slot GPU (both functions). */
export function demoVmInput(guest: GuestPaths, name = 'demo') {
  return { name, kernel: guest.kernel, initrd: guest.initrd, memoryMiB: 256, vcpus: 1, cmdline: 'console=ttyAMA0 panic=-1', devices: ['0005:01:00.0', '0005:01:00.1'], accel: 'tcg' as const };
}

/** Resolves with the file's content from offset once it contains text; rejects after timeoutMs. */
export async function waitForText(file: string, text: string | RegExp, timeoutMs: number, offset = 0): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const content = fs.existsSync(file) ? fs.readFileSync(file).subarray(offset).toString('latin1') : '';
    if (typeof text === 'string' ? content.includes(text) : text.test(content)) return content;
    if (Date.now() > until) throw new Error(`${file} did not show ${text} within ${timeoutMs} ms; tail: ${JSON.stringify(content.slice(-400))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Types a line on the VM's console (through its hub) and returns the console history from before it once it matches `until`. */
export async function typeOnConsole(consoles: ConsoleService, vm: string, line: string, until: RegExp, waitMs = 10_000): Promise<string> {
  const hub = consoles.hub(vm);
  if (!hub) throw new Error(`no console for VM ${vm}`);
  for (const t0 = Date.now(); hub.link.state !== 'connected'; ) {
    if (Date.now() - t0 > waitMs) throw new Error(`the console of ${vm} did not connect within ${waitMs} ms: ${hub.link.detail}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const offset = fs.existsSync(hub.logFile) ? fs.statSync(hub.logFile).size : 0;
  hub.write(Buffer.from(`${line}\r`));
  return waitForText(hub.logFile, until, waitMs, offset);
}

/** GET / on 127.0.0.1:port until a guest answers (QEMU's user-mode NAT accepts and drops until the guest listens). */
export async function guestHttpAnswer(port: number, timeoutMs: number): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return await r.text();
    } catch {
      /* not up yet */
    }
    if (Date.now() > until) throw new Error(`nothing answered on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
