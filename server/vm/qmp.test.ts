// The QMP client against real unix sockets that behave like a hung QEMU: one that accepts and never
// greets, and one that greets and negotiates, then takes commands and never answers them.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { QmpClient, QmpTimeoutError } from './qmp';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-qmp-'));
const servers: net.Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A unix socket server that greets (or not) and answers each command as answer() says (null: never). */
async function serve(name: string, greet: boolean, answer: (cmd: { execute: string; id: string }) => object | null) {
  const socketPath = path.join(dir, name);
  const received: string[] = [];
  const server = net.createServer((conn) => {
    conn.on('error', () => undefined);
    if (greet) conn.write(`${JSON.stringify({ QMP: { version: { qemu: { major: 8 } }, capabilities: [] } })}\n`);
    let buffer = '';
    conn.on('data', (d) => {
      buffer += d.toString();
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const cmd = JSON.parse(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
        received.push(cmd.execute);
        const reply = answer(cmd);
        if (reply) conn.write(`${JSON.stringify({ ...reply, id: cmd.id })}\n`);
      }
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(socketPath, r));
  return { socketPath, received };
}

describe('QmpClient timeouts', () => {
  it('a socket that accepts and never greets: connect fails in plain words after its timeout', async () => {
    const { socketPath } = await serve('silent.sock', false, () => null);
    const t0 = Date.now();
    await expect(QmpClient.connect(socketPath, 300)).rejects.toThrow(`QMP at ${socketPath}: no greeting within 300 ms (another client connected?)`);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
  });

  it('a QEMU that negotiates, then never answers: every command rejects with QmpTimeoutError; the connection stays usable', async () => {
    let hung = false;
    const { socketPath, received } = await serve('hung.sock', true, (cmd) => (cmd.execute === 'qmp_capabilities' || !hung ? { return: cmd.execute === 'query-status' ? { status: 'running' } : {} } : null));
    const qmp = await QmpClient.connect(socketPath, 1000, 200);
    try {
      expect(await qmp.execute('query-status')).toEqual({ status: 'running' });
      hung = true;
      const err = await qmp.execute('system_powerdown').catch((e: Error) => e);
      expect(err).toBeInstanceOf(QmpTimeoutError);
      expect((err as Error).message).toBe('QMP system_powerdown: no answer within 200 ms (QEMU is hung or stopped)');
      // a per-command timeout overrides the connection's
      await expect(qmp.execute('quit', undefined, 50)).rejects.toThrow('QMP quit: no answer within 50 ms (QEMU is hung or stopped)');
      expect(received).toEqual(['qmp_capabilities', 'query-status', 'system_powerdown', 'quit']);
      expect(qmp.isOpen).toBe(true);
      // answering again: the next command is matched to its own reply, not to a late one
      hung = false;
      expect(await qmp.execute('query-status')).toEqual({ status: 'running' });
    } finally {
      qmp.close();
    }
  });
});
