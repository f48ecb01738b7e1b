import fs from 'node:fs';
import net from 'node:net';

/**
 * Behaves like QEMU's `-chardev socket,server=on,wait=off,logfile=…,logappend=on` for output:
 * every byte is appended to the log, and written to the connected client (one at a time) when
 * there is one. For measuring the hub alone and flooding it faster than a TCG guest can print.
 */
export class ChardevStandIn {
  private readonly server: net.Server;
  private client: net.Socket | null = null;
  private readonly fd: number;
  /** bytes the client typed */
  input = 0;

  private constructor(readonly socketPath: string, readonly logFile: string) {
    this.fd = fs.openSync(logFile, 'a');
    this.server = net.createServer((s) => {
      if (this.client) return void s.destroy(); // QEMU serves one client at a time
      this.client = s;
      s.on('data', (d) => (this.input += d.length));
      s.on('close', () => (this.client = null));
      s.on('error', () => undefined);
    });
  }

  static async listen(socketPath: string, logFile: string): Promise<ChardevStandIn> {
    fs.rmSync(socketPath, { force: true });
    const c = new ChardevStandIn(socketPath, logFile);
    await new Promise<void>((resolve) => c.server.listen(socketPath, resolve));
    return c;
  }

  get connected(): boolean {
    return this.client !== null;
  }

  /** Writes like QEMU: the client first (when connected), then the log. */
  write(data: Buffer): void {
    this.client?.write(data);
    fs.writeSync(this.fd, data);
  }

  async close(): Promise<void> {
    this.client?.destroy();
    fs.closeSync(this.fd);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
