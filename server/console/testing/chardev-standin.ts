import fs from 'node:fs';
import net from 'node:net';

/**
 * Behaves like QEMU's `-chardev socket,server=on` for output: one client at a time gets every byte,
 * with write-all semantics (the writer waits while the socket is full, as the guest's UART would);
 * with no client the bytes are dropped. For measuring the hub alone and flooding it faster than a
 * TCG guest can print.
 */
export class ChardevStandIn {
  private readonly server: net.Server;
  private client: net.Socket | null = null;
  /** bytes the client typed */
  input = 0;
  /** called with what the client types (e.g. to echo it back) */
  onInput: (data: Buffer) => void = () => undefined;

  private constructor(readonly socketPath: string) {
    this.server = net.createServer((s) => {
      if (this.client) return void s.destroy(); // QEMU serves one client at a time
      this.client = s;
      s.on('data', (d) => {
        this.input += d.length;
        this.onInput(d);
      });
      s.on('close', () => (this.client = null));
      s.on('error', () => undefined);
    });
  }

  static async listen(socketPath: string): Promise<ChardevStandIn> {
    fs.rmSync(socketPath, { force: true });
    const c = new ChardevStandIn(socketPath);
    await new Promise<void>((resolve) => c.server.listen(socketPath, resolve));
    return c;
  }

  get connected(): boolean {
    return this.client !== null;
  }

  /** Writes to the client, resolving once the socket can take more. */
  async write(data: Buffer): Promise<void> {
    const c = this.client;
    if (c && !c.write(data)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          c.off('drain', done);
          c.off('close', done);
          resolve();
        };
        c.on('drain', done);
        c.on('close', done);
      });
    }
  }

  async close(): Promise<void> {
    this.client?.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
