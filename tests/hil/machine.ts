// One L1 boot (tests/hil/l1.sh): its console, the probe shell, and jetvm started inside it the way a
// user starts it (node server/main.ts through the checkout's tsx, JETVM_HOST=real), reached from here
// over the forwarded port.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../server/free-port';
import { guestPaths } from '../../server/vm/guest';
import { Probe } from './probe';

export const PROJECT = path.resolve(import.meta.dirname, '../..');
export const ADMIN_PASSWORD = 'hil-admin-password';
/** jetvm's data directory inside L1: on the NVMe's mounted filesystem */
export const DATA_DIR = '/srv/hil/jetvm';
export const HIL_CACHE = path.resolve(process.env.JETVM_HIL_CACHE || path.join(os.homedir(), '.cache', 'jetvm', 'hil'));

const seconds = (ms: number) => Math.round(ms / 100) / 10;

export class L1 {
  console = '';
  readonly timings: Record<string, number> = {};
  private constructor(
    readonly qemu: ChildProcess,
    readonly runDir: string,
    readonly port: number,
    readonly probe: Probe,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** init 'systemd': systemd is PID 1 of L1 (the probe shell one of its units), as on a Jetson */
  static async boot(opts: { intremap: 'on' | 'off'; init?: 'systemd' }): Promise<L1> {
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-hil-'));
    const port = await freePort();
    const t0 = Date.now();
    const qemu = spawn('bash', [path.join(import.meta.dirname, 'l1.sh'), 'boot', runDir], {
      env: { ...process.env, HIL_INTREMAP: opts.intremap, HIL_HOSTFWD: String(port), HIL_INIT: opts.init ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    qemu.stdout!.on('data', (d) => (out += d));
    qemu.stderr!.on('data', (d) => (out += d));
    let probe: Probe;
    try {
      await waitFor(() => out.includes('@@HIL-READY') || qemu.exitCode !== null, 600_000, () => `L1 did not come up:\n${out.slice(-3000)}`);
      if (!out.includes('@@HIL-READY')) throw new Error(`L1 exited before it was ready:\n${out.slice(-3000)}`);
      probe = await Probe.connect(path.join(runDir, 'probe.sock'));
    } catch (e) {
      // l1.sh execs `timeout … qemu`, which passes TERM on: a boot that failed leaves no L1 behind
      qemu.kill('SIGTERM');
      fs.rmSync(runDir, { recursive: true, force: true });
      throw e;
    }
    const l1 = new L1(qemu, runDir, port, probe);
    l1.timings['L1 QEMU start -> probe shell ready'] = seconds(Date.now() - t0);
    qemu.stdout!.on('data', (d) => (l1.console += d));
    l1.console = out;
    return l1;
  }

  /** Starts jetvm inside L1 as a user would, in real mode, and waits for "jetvm ready". */
  async startJetvm(): Promise<void> {
    const t0 = Date.now();
    const guest = guestPaths();
    const env = [
      'JETVM_HOST=real', `JETVM_DATA_DIR=${DATA_DIR}`, `JETVM_ADMIN_PASSWORD=${ADMIN_PASSWORD}`, 'HOST=0.0.0.0', 'PORT=3000',
      `HOME=${os.homedir()}`, `JETVM_GUEST_CACHE=${guest.dir}`, 'NEXT_TELEMETRY_DISABLED=1', 'LOG_LEVEL=info',
    ].join(' ');
    await this.probe.ok(
      `mkdir -p ${DATA_DIR} && cd ${PROJECT} && : > /tmp/jetvm.log
       (env ${env} setsid node --import tsx server/main.ts >> /tmp/jetvm.log 2>&1 & echo $! > /tmp/jetvm.pid)
       for i in $(seq 600); do grep -q 'jetvm ready on' /tmp/jetvm.log && exit 0; kill -0 $(cat /tmp/jetvm.pid) 2>/dev/null || break; sleep 1; done
       cat /tmp/jetvm.log; exit 1`,
      660_000,
    );
    this.timings[`jetvm start in L1 (${Object.keys(this.timings).filter((k) => k.startsWith('jetvm start')).length + 1})`] = seconds(Date.now() - t0);
  }

  /** kill -9 of the dashboard process (its guests are not its children: they keep running) */
  async killJetvm(): Promise<void> {
    await this.probe.ok('kill -9 $(cat /tmp/jetvm.pid); while kill -0 $(cat /tmp/jetvm.pid) 2>/dev/null; do sleep 0.2; done');
  }

  jetvmLog(): Promise<string> {
    return this.probe.ok('cat /tmp/jetvm.log');
  }

  async shutdown(): Promise<void> {
    if (this.qemu.exitCode === null) {
      const exited = new Promise((r) => this.qemu.once('exit', r));
      await this.probe.run('sync', 10_000).catch(() => undefined);
      this.probe.exitShell();
      // l1.sh execs `timeout … qemu`: TERM to timeout is passed on to QEMU
      const t = setTimeout(() => this.qemu.kill('SIGTERM'), 20_000);
      this.probe.close();
      await exited;
      clearTimeout(t);
    }
    fs.rmSync(this.runDir, { recursive: true, force: true });
  }
}

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: () => string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs / 1000} s: ${what()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
