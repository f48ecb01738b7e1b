// npm run bench:boot — time from a start request to the guest's first console byte, to "Booting Linux"
// and to the shell prompt: through the Supervisor vs. spawning the same argv by hand. Median of BENCH_RUNS.
import fs from 'node:fs';
import { launchDaemon, readPidFile, waitForExit } from '../server/vm/proc';
import { demoVmInput, makeHarness } from '../server/vm/testing/harness';

const RUNS = Number(process.env.BENCH_RUNS || 3);
const actor = { actor: 'bench', remote: null };
const MARKS = [['first byte', null], ['Booting Linux', 'Booting Linux'], ['shell prompt', 'root@demo:/# ']] as const;

/** ms from t0 until each mark shows in the log after offset (polled every 2 ms). */
async function watchLog(file: string, offset: number, t0: number, timeoutMs = 120_000): Promise<number[]> {
  const found: number[] = [];
  while (found.length < MARKS.length) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`timeout waiting for "${MARKS[found.length][0]}"`);
    const size = fs.existsSync(file) ? fs.statSync(file).size : 0;
    if (size > offset) {
      const text = found.length === 0 ? '' : fs.readFileSync(file).subarray(offset).toString('latin1');
      while (found.length < MARKS.length) {
        const needle = MARKS[found.length][1];
        if (needle !== null && !text.includes(needle)) break;
        found.push(performance.now() - t0);
      }
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  return found;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const h = makeHarness();
  const sup = h.supervisor();
  sup.repo.create(demoVmInput(h.guest, 'bench'));
  const paths = sup.paths('bench');
  const viaSupervisor: number[][] = [];
  const byHand: number[][] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      let offset = fs.existsSync(paths.consoleLog) ? fs.statSync(paths.consoleLog).size : 0;
      let t0 = performance.now();
      await sup.start('bench', actor);
      viaSupervisor.push(await watchLog(paths.consoleLog, offset, t0));
      await sup.forceStop('bench', actor);

      const argv = sup.plan('bench').run.argv;
      offset = fs.statSync(paths.consoleLog).size;
      t0 = performance.now();
      const r = await launchDaemon(argv);
      if (r.code !== 0) throw new Error(`qemu by hand failed: ${r.stderr}`);
      byHand.push(await watchLog(paths.consoleLog, offset, t0));
      const pid = readPidFile(paths.pidFile)!;
      process.kill(pid, 'SIGKILL');
      await waitForExit(pid, 5000);
      fs.rmSync(paths.pidFile, { force: true });
      process.stderr.write(`run ${i + 1}/${RUNS} done\n`);
    }
  } finally {
    for (const s of sup.list()) if (s.pid) await sup.forceStop(s.name, actor).catch(() => undefined);
    h.cleanup();
  }
  console.log(`boot benchmark: demo guest, TCG ${h.caps.version ? `QEMU ${h.caps.version}` : ''}, -cpu cortex-a72, 256 MiB, 1 vCPU, sim stand-ins; median of ${RUNS} runs (ms from start request)`);
  console.log(`${'mark'.padEnd(16)}${'supervisor'.padStart(12)}${'by hand'.padStart(12)}${'overhead'.padStart(12)}`);
  MARKS.forEach(([label], k) => {
    const a = median(viaSupervisor.map((r) => r[k]));
    const b = median(byHand.map((r) => r[k]));
    console.log(`${label.padEnd(16)}${a.toFixed(0).padStart(12)}${b.toFixed(0).padStart(12)}${(a - b).toFixed(0).padStart(12)}`);
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
