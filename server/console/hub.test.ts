// The console hub against a real guest: the demo kernel + busybox booted under QEMU (TCG) with the
// launcher's serial chardev (wait=on: the guest runs once the hub connects, so the history has the
// whole boot), watched through the real WebSocket route with real sessions.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../db/audit';
import { bootDemoGuest, SHELL_PROMPT, type DemoGuest } from './testing/demo-guest';
import { startConsoleServer, type ConsoleServer } from './testing/console-server';
import { connectTerminal, type TerminalClient } from './testing/terminal-client';
import { CLOSE } from '../../common/terminal-protocol';
import { ChardevStandIn } from './testing/chardev-standin';
import { consolePaths } from '../vm/paths';

let dataDir: string;
let guest: DemoGuest;
let server: ConsoleServer;
const clients: TerminalClient[] = [];

async function open(role: 'admin' | 'viewer', srv = server, vm = 'demo'): Promise<TerminalClient> {
  const c = await connectTerminal(srv.wsUrl(vm), srv.cookie(role));
  clients.push(c);
  return c;
}

/** Waits until the log stops growing and the client has every byte of it, then returns the log. */
async function settled(...cs: TerminalClient[]): Promise<Buffer> {
  for (let i = 0; i < 200; i++) {
    const log = fs.readFileSync(guest.consoleLog);
    await new Promise((r) => setTimeout(r, 100));
    const again = fs.readFileSync(guest.consoleLog);
    if (log.length === again.length && cs.every((c) => c.received().length >= again.length)) return again;
  }
  throw new Error('the console never settled');
}

/** A command whose output differs from its echo, so waiting for the output cannot match the typed line. */
const marker = (tag: string, n: number) => ({ command: `echo ${tag}-$((${n}+1))\r`, output: `${tag}-${n + 1}\r\n` });

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-console-'));
  guest = await bootDemoGuest(dataDir, 'demo');
  server = await startConsoleServer(dataDir, { vms: ['demo', 'flood'] });
});

afterAll(async () => {
  for (const c of clients) c.ws.terminate();
  await server?.close();
  await guest?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('console hub on a booting guest', () => {
  it('streams the boot live, then history + live to a late viewer, byte for byte equal to the log', async () => {
    const early = await open('admin');
    await early.waitFor('Booting Linux');
    await early.waitFor(SHELL_PROMPT);
    await early.waitControl('history-end');

    early.type('uname -m\r');
    await early.waitFor('\r\naarch64\r\n');

    const late = await open('admin');
    await late.waitControl('history-end');
    expect(late.receivedText()).toContain('Booting Linux');
    const m = marker('both', 41);
    early.type(m.command);
    await early.waitFor(m.output);
    await late.waitFor(m.output);

    const log = await settled(early, late);
    expect(early.received().equals(log)).toBe(true);
    expect(late.received().equals(log)).toBe(true);
    expect(late.controls.some((c) => c.type === 'history-truncated')).toBe(false);
  });

  it('drops a viewer\'s input and says it is read-only; audits the admin\'s typing session', async () => {
    const admin = await open('admin');
    const viewer = await open('viewer');
    await viewer.waitControl('history-end');
    expect(viewer.controls.find((c) => c.type === 'status')).toMatchObject({ readOnly: true });
    expect(admin.controls.find((c) => c.type === 'status')).toMatchObject({ readOnly: false, link: 'connected' });

    viewer.type('echo viewer-typed\r');
    const err = await viewer.waitControl('error');
    expect(err).toMatchObject({ message: expect.stringContaining('read-only') });
    const m = marker('after-viewer', 6);
    admin.type(m.command);
    await viewer.waitFor(m.output);
    expect(fs.readFileSync(guest.consoleLog, 'latin1')).not.toContain('viewer-typed');

    admin.close();
    await admin.closed;
    await new Promise((r) => setTimeout(r, 100));
    const actions = listAudit(server.db).map((a) => `${a.actor}:${a.action}`);
    expect(actions).toContain('admin:console.typing');
    expect(actions).toContain('admin:console.typing.end');
    expect(actions.some((a) => a.startsWith('viewer:console.typing'))).toBe(false);
  });

  it('caps the history at a line boundary with a marker', async () => {
    const small = await startConsoleServer(dataDir, { vms: ['demo'], hub: { historyBytes: 2048 }, adopt: false });
    try {
      const c = await open('viewer', small);
      await c.waitControl('history-end');
      const marked = c.controls.find((x) => x.type === 'history-truncated');
      expect(marked).toMatchObject({ type: 'history-truncated' });
      const log = fs.readFileSync(guest.consoleLog);
      const skipped = (marked as { skippedBytes: number }).skippedBytes;
      expect(log[skipped - 1]).toBe(0x0a);
      expect(c.received().equals(log.subarray(skipped, skipped + c.received().length))).toBe(true);
      expect(c.received().length).toBeLessThanOrEqual(2048);
    } finally {
      await small.close();
    }
  });

  it('keeps viewers through a guest restart: the link reconnects and the new boot is appended', async () => {
    const c = await open('admin');
    await c.waitControl('history-end');
    const before = c.received().length;
    await guest.restart();
    await c.waitFor('Booting Linux', { from: before });
    await c.waitFor(SHELL_PROMPT, { from: before });
    // the link comes back by itself; then input reaches the new guest
    const hub = server.service.hub('demo')!;
    for (let i = 0; hub.link.state !== 'connected' && i < 100; i++) await new Promise((r) => setTimeout(r, 100));
    const m = marker('restarted', 99);
    c.type(m.command);
    await c.waitFor(m.output, { from: before });
    const log = await settled(c);
    expect(c.received().equals(log)).toBe(true);
  });

  it('types while the guest floods its console: every viewer gets exactly the history file, from its start', async () => {
    const early = await open('admin');
    await early.waitControl('history-end');
    const from = early.received().length;
    early.type('yes 0123456789abcdefghijklmnopqrstuvwxyz | head -n 6000; echo flood-$((40+2))\r');
    await early.waitFor('0123456789abcdefghijklmnopqrstuvwxyz\r\n'.repeat(50), { from });
    // typed while the flood runs: the shell reads it once `yes` is done
    const m = marker('typed-in-flood', 7);
    early.type(m.command);
    const late = await open('viewer'); // joins mid-flood: history, then live
    await early.waitFor('flood-42\r\n', { from });
    await early.waitFor(m.output, { from });
    await late.waitFor(m.output);
    const log = await settled(early, late);
    expect(early.received().equals(log)).toBe(true);
    expect(late.received().equals(log)).toBe(true);
  });

  it('reconnects to the running guest after a dashboard restart, and marks what went unrecorded meanwhile', async () => {
    const before = await open('admin');
    await before.waitControl('history-end');
    await server.close();
    expect((await before.closed).code).toBe(CLOSE.shuttingDown);
    server = await startConsoleServer(dataDir, { vms: ['demo', 'flood'] });
    // start() found the running VM by its serial socket before anyone connected
    expect(server.service.hubCount).toBe(1);
    const hub = server.service.hub('demo')!;
    for (let i = 0; hub.link.state !== 'connected' && i < 100; i++) await new Promise((r) => setTimeout(r, 100));
    expect(hub.link.state).toBe('connected');
    const c = await open('admin');
    await c.waitControl('history-end');
    expect(c.receivedText()).toMatch(/\[jetvm: output from \S+ until \S+ was not recorded \(the dashboard was not running\)\]\r\n$/);
    const m = marker('after-dashboard-restart', 1);
    c.type(m.command);
    await c.waitFor(m.output);
    // what the viewer had before the restart is the start of what it gets after: no byte lost or doubled at the seam
    expect(c.received().subarray(0, before.received().length).equals(before.received())).toBe(true);
    const log = await settled(c);
    expect(c.received().equals(log)).toBe(true);
  });

  it('drops a stalled viewer with a reason while another keeps receiving', async () => {
    // 24 MiB of earlier output in the log: more than the kernel's socket buffers can absorb
    const floodLog = path.join(dataDir, 'vms', 'flood', 'console.log');
    fs.mkdirSync(path.dirname(floodLog), { recursive: true });
    const line = Buffer.from('flood 0123456789abcdef0123456789abcdef0123456789abcdef0123456789\r\n');
    fs.writeFileSync(floodLog, Buffer.concat(Array.from({ length: (24 * 1024 * 1024) / line.length }, () => line)));
    const chardev = await ChardevStandIn.listen(consolePaths(dataDir, 'flood').serialSocket);
    const strict = await startConsoleServer(dataDir, { vms: ['flood'], hub: { historyBytes: 64 * 1024 * 1024, queueLimitBytes: 256 * 1024, stallTimeoutMs: 1000 } });
    try {
      const stalled = await open('viewer', strict, 'flood');
      const socket = (stalled.ws as unknown as { _socket: import('node:net').Socket })._socket;
      socket.pause();
      const healthy = await open('viewer', strict, 'flood');
      await healthy.waitControl('history-end');
      expect(healthy.received().length).toBe(fs.statSync(floodLog).size);
      while (!chardev.connected) await new Promise((r) => setTimeout(r, 10));
      await chardev.write(Buffer.from('live after the flood\r\n'));
      await healthy.waitFor('live after the flood');

      const hub = strict.service.hub('flood')!;
      for (let i = 0; hub.viewerCount > 1 && i < 100; i++) await new Promise((r) => setTimeout(r, 50));
      expect(hub.viewerCount).toBe(1);
      socket.resume(); // it drains what was queued, then reads the close frame
      const closed = await stalled.closed;
      expect(closed.code).toBe(CLOSE.stalled);
      expect(closed.reason).toMatch(/viewer too slow: .* MiB unsent for 1 s/);
      expect(stalled.received().length).toBeLessThan(fs.statSync(floodLog).size);
    } finally {
      await strict.close();
      await chardev.close();
    }
  });
});
