import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/**
 * Behaves like QEMU's `-chardev socket,server=on` for output: one client at a time gets every byte,
 * with write-all semantics (the writer waits while the socket is full, as the guest's UART would);
 * with no client the bytes are dropped. For measuring the hub alone and flooding it faster than a
 * TCG guest can print. With `{ clients: 'many' }` every connected client gets every byte (for a web
 * terminal such as ttyd that opens one connection per viewer) and a write waits for all of them.
 * With `{ echo: true }` what a client types goes straight back to it, like a shell's echo without the guest.
 */
export class ChardevStandIn {
  private readonly server: net.Server;
  private readonly clients = new Set<net.Socket>();
  /** bytes the client typed */
  input = 0;
  /** called with what the client types (e.g. to echo it back) */
  onInput: (data: Buffer) => void = () => undefined;

  private constructor(
    readonly socketPath: string,
    many: boolean,
    echo: boolean,
  ) {
    this.server = net.createServer((s) => {
      if (this.clients.size > 0 && !many) return void s.destroy(); // QEMU serves one client at a time
      this.clients.add(s);
      s.on('data', (d) => {
        this.input += d.length;
        if (echo) s.write(d);
        this.onInput(d);
      });
      s.on('close', () => this.clients.delete(s));
      s.on('error', () => undefined);
    });
  }

  static async listen(socketPath: string, opts: { clients?: 'one' | 'many'; echo?: boolean } = {}): Promise<ChardevStandIn> {
    fs.mkdirSync(path.dirname(socketPath), { recursive: true });
    fs.rmSync(socketPath, { force: true });
    const c = new ChardevStandIn(socketPath, opts.clients === 'many', opts.echo === true);
    await new Promise<void>((resolve) => c.server.listen(socketPath, resolve));
    return c;
  }

  get connected(): boolean {
    return this.clients.size > 0;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Writes to every client, resolving once each socket can take more. */
  async write(data: Buffer): Promise<void> {
    const full = [...this.clients].filter((c) => !c.write(data));
    await Promise.all(full.map((c) => new Promise<void>((resolve) => {
      const done = () => {
        c.off('drain', done);
        c.off('close', done);
        resolve();
      };
      c.on('drain', done);
      c.on('close', done);
    })));
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
