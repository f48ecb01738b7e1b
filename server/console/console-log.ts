import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

/**
 * Read access to QEMU's console log (the chardev's logfile=): QEMU appends every byte the guest
 * writes on its serial port, whether or not anyone is connected, and keeps appending across guest
 * restarts (logappend=on). The file is the single source of both history and live output, so byte
 * offsets in it are the only bookkeeping a viewer needs.
 */
export class ConsoleLog {
  private handle: FileHandle | null = null;
  private ino: number | null = null;

  constructor(readonly file: string) {}

  get isOpen(): boolean {
    return this.handle !== null;
  }

  /** Opens the log if it exists; returns false when QEMU has not created it yet. */
  async open(): Promise<boolean> {
    if (this.handle) return true;
    try {
      const handle = await fs.promises.open(this.file, 'r');
      this.ino = (await handle.stat()).ino;
      this.handle = handle;
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw new Error(`cannot open console log ${this.file}: ${(err as Error).message}`);
    }
  }

  async close(): Promise<void> {
    const h = this.handle;
    this.handle = null;
    this.ino = null;
    await h?.close().catch(() => undefined);
  }

  /** Current size of the open file (0 when not open). */
  async size(): Promise<number> {
    if (!this.handle) return 0;
    return (await this.handle.stat()).size;
  }

  /**
   * True when the path now names a different file than the one open (deleted and recreated, e.g.
   * a user cleared the log while the VM was stopped). A deleted path alone is not a replacement:
   * QEMU keeps writing to the file it has open.
   */
  async replaced(): Promise<boolean> {
    if (!this.handle) return false;
    try {
      return (await fs.promises.stat(this.file)).ino !== this.ino;
    } catch {
      return false;
    }
  }

  async read(position: number, length: number): Promise<Buffer> {
    if (!this.handle || length <= 0) return Buffer.alloc(0);
    const buf = Buffer.allocUnsafe(length);
    const { bytesRead } = await this.handle.read(buf, 0, length, position);
    return bytesRead === length ? buf : buf.subarray(0, bytesRead);
  }

  /**
   * Where a new viewer's history starts: the whole log when it is at most maxBytes, else the first
   * line boundary within the last maxBytes (so the terminal does not start mid-escape-sequence).
   */
  async historyStart(end: number, maxBytes: number): Promise<number> {
    if (end <= maxBytes) return 0;
    const from = end - maxBytes;
    const probe = await this.read(from, Math.min(64 * 1024, maxBytes));
    const nl = probe.indexOf(0x0a);
    return nl >= 0 ? from + nl + 1 : from;
  }
}
