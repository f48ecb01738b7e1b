// The harness's own root shell inside L1 (bash on L1's ttyS1, reached through QEMU's chardev socket):
// how the tests ask L1's kernel what it sees (lspci, sysfs, /dev/vfio, dmesg), never through jetvm.
import net from 'node:net';

export interface ProbeResult {
  code: number;
  out: string;
}

export class Probe {
  private buf = '';
  private waiters: Array<() => void> = [];
  private seq = 0;

  private constructor(private readonly sock: net.Socket) {
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      this.buf += d;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async connect(socketPath: string, timeoutMs = 60_000): Promise<Probe> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      try {
        const sock = await new Promise<net.Socket>((resolve, reject) => {
          const s = net.createConnection(socketPath, () => resolve(s));
          s.once('error', reject);
        });
        return new Probe(sock);
      } catch (err) {
        if (Date.now() > until) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /** Runs a bash script in L1's chroot as root; resolves with its exit status and its output (stdout + stderr). */
  async run(script: string, timeoutMs = 120_000): Promise<ProbeResult> {
    const id = `${process.pid}-${++this.seq}`;
    const b64 = Buffer.from(script).toString('base64');
    const end = new RegExp(`@@P${id}:(\\d+)@@\\n`);
    const start = `@@S${id}@@\n`;
    this.sock.write(`echo '@@S${id}@@'; echo ${b64} | base64 -d > /tmp/probe.sh; bash /tmp/probe.sh </dev/null 2>&1; echo "@@P${id}:$?@@"\n`);
    const until = Date.now() + timeoutMs;
    for (;;) {
      const s = this.buf.indexOf(start);
      const m = s >= 0 ? end.exec(this.buf.slice(s)) : null;
      if (s >= 0 && m) {
        const out = this.buf.slice(s + start.length, s + m.index);
        this.buf = this.buf.slice(s + m.index + m[0].length);
        return { code: Number(m[1]), out: out.replace(/\r/g, '') };
      }
      if (Date.now() > until) throw new Error(`probe: no answer in ${timeoutMs / 1000} s to:\n${script}\n-- got so far:\n${this.buf.slice(-2000)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 1000);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** run() that throws when the script fails */
  async ok(script: string, timeoutMs?: number): Promise<string> {
    const r = await this.run(script, timeoutMs);
    if (r.code !== 0) throw new Error(`probe: exit ${r.code} from:\n${script}\n-- output:\n${r.out}`);
    return r.out;
  }

  /** ends the probe shell itself (L1's init then powers off) */
  exitShell(): void {
    this.sock.write('exit 0\n');
  }

  close(): void {
    this.sock.end();
  }
}
