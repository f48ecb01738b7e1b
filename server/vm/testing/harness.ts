// Shared set-up for tests and the boot benchmark: a temp data dir, real SQLite, the real demo guest
// (built by the project script if missing), and a sim-mode Supervisor over the simulated Orin snapshot.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { openDb, type Db } from '../../db';
import { probeCaps } from '../caps';
import { buildGuest, guestBuilt, guestPaths, type GuestPaths } from '../guest';
import { Supervisor, type DevicePolicyHook } from '../supervisor';
import { imageDir } from '../disks';
import type { QemuCaps } from '../types';
import { orinSnapshot } from './orin-snapshot';

export function demoGuest(): GuestPaths {
  return guestBuilt() ? guestPaths() : buildGuest();
}

export interface Harness {
  dataDir: string;
  db: Db;
  caps: QemuCaps;
  guest: GuestPaths;
  supervisor: (hook?: DevicePolicyHook) => Supervisor;
  cleanup: () => void;
}

export function makeHarness(dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-vm-'))): Harness {
  const guest = demoGuest();
  const db = openDb(dataDir);
  const caps = probeCaps(process.env.JETVM_QEMU || 'qemu-system-aarch64');
  return {
    dataDir, db, caps, guest,
    supervisor: (hook) => new Supervisor({ db, dataDir, imageDirs: [guest.dir, imageDir(dataDir)], caps, scan: () => orinSnapshot(), sim: true, onDevicesReleased: hook }),
    cleanup: () => {
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

/** Types a line on the serial socket and returns what came back within waitMs. */
export function typeOnSerial(socketPath: string, line: string, until: RegExp, waitMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(socketPath);
    let out = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no ${until} on the serial console within ${waitMs} ms; got ${JSON.stringify(out)}`));
    }, waitMs);
    s.on('connect', () => s.write(`${line}\r`));
    s.on('data', (d) => {
      out += d.toString('latin1');
      if (until.test(out)) {
        clearTimeout(timer);
        s.end();
        resolve(out);
      }
    });
    s.on('error', reject);
  });
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
