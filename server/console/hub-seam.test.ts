// The hand-over between history and live output, under a flood faster than any viewer: a stand-in
// for QEMU's chardev (a real unix socket with write-all semantics) floods numbered lines while
// viewers join, stall, catch up and type; each viewer's bytes must be exactly the stream's, from its start.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consolePaths } from '../vm/paths';
import { ChardevStandIn } from './testing/chardev-standin';
import { startConsoleServer, type ConsoleServer } from './testing/console-server';
import { connectTerminal, type TerminalClient } from './testing/terminal-client';

let dataDir: string;
let chardev: ChardevStandIn;
let server: ConsoleServer;
/** everything the stand-in wrote to the socket, in order */
const written: Buffer[] = [];

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-seam-'));
  const paths = consolePaths(dataDir, 'flood');
  chardev = await ChardevStandIn.listen(paths.serialSocket);
  // like a tty: what is typed is echoed into the output stream, between the flood's chunks
  chardev.onInput = (d) => void emit(Buffer.from(`<typed:${d.toString('latin1')}>\r\n`));
  server = await startConsoleServer(dataDir, { vms: ['flood'], hub: { queueLimitBytes: 64 * 1024, historyBytes: 256 * 1024 * 1024, capBytes: 256 * 1024 * 1024 } });
});

afterAll(async () => {
  await server?.close();
  await chardev?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function emit(b: Buffer): Promise<void> {
  written.push(b);
  return chardev.write(b);
}

const block = (n: number) => Buffer.from(Array.from({ length: 1024 }, (_, i) => `flood line ${n}.${i} ${'.'.repeat(40)}\r\n`).join(''));

const socketOf = (c: TerminalClient) => (c.ws as unknown as { _socket: import('node:net').Socket })._socket;

async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; !done(); i++) {
    if (i > 600) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('console hub: history → live seam under a flood', () => {
  it('gives every viewer the exact stream from its start, while they join, stall, catch up and type', async () => {
    const open = (role: 'admin' | 'viewer') => connectTerminal(server.wsUrl('flood'), server.cookie(role));
    const first = await open('admin');
    await first.waitControl('history-end');
    await until(() => chardev.connected, 'the hub to connect');

    const clients: TerminalClient[] = [first];
    const hub = server.service.hub('flood')!;
    let n = 0;
    const flood = async (blocks: number) => {
      for (const last = n + blocks; n < last; n++) {
        await emit(block(n));
        if (n % 40 === 7) first.type(`k${n}`);
        if (n % 20 === 0) await new Promise((r) => setTimeout(r, 5));
      }
    };
    await flood(50);
    clients.push(await open('viewer'));
    await flood(50);
    // a new viewer that stalls while reading its history, then catches up
    const stalled = await open('viewer');
    clients.push(stalled);
    socketOf(stalled).pause();
    await flood(100);
    socketOf(stalled).resume();
    await flood(20);
    // a live viewer stalls (once the kernel's socket buffers are full it falls behind to the history), then catches up
    await until(() => hub.viewersBehind === 0, 'every viewer to be live');
    socketOf(clients[1]!).pause();
    while (hub.viewersBehind === 0) await flood(10);
    await flood(50);
    socketOf(clients[1]!).resume();
    await flood(100);
    await new Promise((r) => setTimeout(r, 200)); // the last echoes
    const stream = Buffer.concat(written);
    await Promise.all(clients.map((c) => until(() => c.received().length > 0 && stream.subarray(-100).equals(c.received().subarray(-100)), 'a viewer to have the end')));

    // the first viewer saw the whole stream; the others a suffix of it that begins at a line
    expect(first.received().equals(stream)).toBe(true);
    clients.slice(1).forEach((c, i) => {
      const got = c.received();
      const start = stream.length - got.length;
      expect(start === 0 || stream[start - 1] === 0x0a, `viewer ${i + 2} starts at a line`).toBe(true);
      expect(got.equals(stream.subarray(start)), `viewer ${i + 2} has the stream's end exactly`).toBe(true);
    });
    expect(stream.toString('latin1')).toContain('<typed:k7>');
    // and the history on disk is the same stream
    expect(fs.readFileSync(consolePaths(dataDir, 'flood').consoleLog).equals(stream)).toBe(true);
    clients.forEach((c) => c.close());
  });
});
