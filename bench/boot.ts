// npm run bench:boot — from a start request to the guest's first console byte, "Booting Linux" and the
// shell prompt as a browser's console viewer gets them (Supervisor + console hub + WebSocket), vs. the
// same argv launched by hand with a client on the serial socket (what `socat - UNIX-CONNECT:` does: the
// chardev is wait=on, so the guest starts once a client connects). Median of BENCH_RUNS.
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import fs from 'node:fs';
import { startConsoleServer } from '../server/console/testing/console-server';
import { connectTerminal } from '../server/console/testing/terminal-client';
import { launchDaemon, readPidFile, waitForExit } from '../server/vm/proc';
import { demoVmInput, makeHarness } from '../server/vm/testing/harness';

const RUNS = Number(process.env.BENCH_RUNS || 3);
const actor = { actor: 'bench', remote: null };
const MARKS = [['first byte', null], ['Booting Linux', 'Booting Linux'], ['shell prompt', 'root@demo:/# ']] as const;

/** Records, from t0, when each mark first shows in a byte stream fed to the returned function. */
function markWatcher(t0: () => number): { feed: (chunk: Buffer) => void; done: Promise<number[]> } {
  const found: number[] = [];
  let text = '';
  let resolve!: (x: number[]) => void;
  const done = new Promise<number[]>((r) => (resolve = r));
  return {
    feed(chunk) {
      text += chunk.toString('latin1');
      while (found.length < MARKS.length) {
        const needle = MARKS[found.length]![1];
        if (needle !== null && !text.includes(needle)) break;
        found.push(performance.now() - t0());
      }
      if (found.length === MARKS.length) resolve(found);
    },
    done,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function withTimeout<T>(p: Promise<T>, what: string, ms = 120_000): Promise<T> {
  const timeout = new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timeout: ${what}`)), ms).unref());
  return Promise.race([p, timeout]);
}

async function main() {
  const load = execFileSync('uptime', { encoding: 'utf8' }).trim();
  const h = await makeHarness();
  const sup = h.supervisor();
  sup.repo.create(demoVmInput(h.guest, 'bench'));
  const paths = sup.paths('bench');
  const server = await startConsoleServer(h.dataDir, { service: h.consoles, vms: ['bench'] });
  const viaDashboard: number[][] = [];
  const byHand: number[][] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      // a browser's viewer, connected before Start is clicked
      const viewer = await connectTerminal(server.wsUrl('bench'), server.cookie('admin'), { keep: false });
      await viewer.waitControl('history-end');
      let t0 = 0;
      const w = markWatcher(() => t0);
      viewer.ws.on('message', (data, isBinary) => isBinary && w.feed(data as Buffer));
      t0 = performance.now();
      await sup.start('bench', actor);
      viaDashboard.push(await withTimeout(w.done, 'the viewer to see the prompt'));
      viewer.close();
      await sup.forceStop('bench', actor);

      // by hand: the same argv, and a client polling for the socket like a script would
      const argv = sup.plan('bench').run.argv;
      let t1 = 0;
      const hand = markWatcher(() => t1);
      let client: net.Socket | null = null;
      const connect = () => {
        if (!fs.existsSync(paths.serialSocket)) return void setTimeout(connect, 5);
        client = net.connect(paths.serialSocket);
        client.on('data', hand.feed);
        client.once('error', () => setTimeout(connect, 5));
      };
      t1 = performance.now();
      connect();
      const r = await launchDaemon(argv);
      if (r.code !== 0) throw new Error(`qemu by hand failed: ${r.stderr}`);
      byHand.push(await withTimeout(hand.done, 'the prompt on the socket'));
      (client as net.Socket | null)?.destroy();
      const pid = readPidFile(paths.pidFile)!;
      process.kill(pid, 'SIGKILL');
      await waitForExit(pid, 5000);
      fs.rmSync(paths.pidFile, { force: true });
      fs.rmSync(paths.serialSocket, { force: true });
      process.stderr.write(`run ${i + 1}/${RUNS} done\n`);
    }
  } finally {
    for (const s of sup.list()) if (s.pid) await sup.forceStop(s.name, actor).catch(() => undefined);
    await server.close();
    await h.cleanup();
  }
  console.log(`boot benchmark: demo guest, TCG ${h.caps.version ? `QEMU ${h.caps.version}` : ''}, -cpu cortex-a72, 256 MiB, 1 vCPU, sim stand-ins; median of ${RUNS} runs (ms from start request); ${load}`);
  console.log(`${'mark'.padEnd(16)}${'dashboard'.padStart(12)}${'by hand'.padStart(12)}${'overhead'.padStart(12)}`);
  MARKS.forEach(([label], k) => {
    const a = median(viaDashboard.map((r) => r[k]!));
    const b = median(byHand.map((r) => r[k]!));
    console.log(`${label.padEnd(16)}${a.toFixed(0).padStart(12)}${b.toFixed(0).padStart(12)}${(a - b).toFixed(0).padStart(12)}`);
  });
  console.log('dashboard = Supervisor.start + console hub + WebSocket viewer (what the browser gets); by hand = the same argv and a client on the serial socket');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
