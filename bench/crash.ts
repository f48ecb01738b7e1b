// npm run bench:crash — how soon a QEMU killed with SIGKILL is reported as crashed: through the Supervisor
// (a daemonized QEMU, not our child: QMP's socket closing, then the pid poll) vs. the floor, the same argv
// run as a direct child whose death node learns from waitpid (SIGCHLD). Median of BENCH_RUNS.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { readPidFile } from '../server/vm/proc';
import { releaseSerialWait } from '../server/vm/serial-wait';
import { demoVmInput, makeHarness } from '../server/vm/testing/harness';

const RUNS = Number(process.env.BENCH_RUNS || 5);
const actor = { actor: 'bench', remote: null };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function until(cond: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const t0 = performance.now();
  while (!cond()) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`timeout: ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

async function main() {
  const h = await makeHarness();
  const sup = h.supervisor();
  sup.repo.create(demoVmInput(h.guest, 'bench'));
  const paths = sup.paths('bench');
  const viaSupervisor: number[] = [];
  const waitpid: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const { pid } = await sup.start('bench', actor);
      await until(() => sup.status('bench').state === 'running', 'running');
      const t0 = performance.now();
      process.kill(pid!, 'SIGKILL');
      await until(() => sup.status('bench').state === 'crashed', 'reported as crashed');
      viaSupervisor.push(performance.now() - t0);

      // the floor: the same QEMU as our own child (no -daemonize), its death seen through waitpid
      const argv = sup.plan('bench').run.argv.filter((a) => a !== '-daemonize');
      fs.rmSync(paths.pidFile, { force: true });
      const child = spawn(argv[0], argv.slice(1), { stdio: 'ignore' });
      const stopReleasing = releaseSerialWait(paths.serialSocket); // its serial chardev waits for a client
      const exited = new Promise<number>((resolve) => child.once('exit', () => resolve(performance.now())));
      await until(() => readPidFile(paths.pidFile) === child.pid, 'the child QEMU up');
      stopReleasing();
      const t1 = performance.now();
      child.kill('SIGKILL');
      waitpid.push((await exited) - t1);
      fs.rmSync(paths.pidFile, { force: true });
      process.stderr.write(`run ${i + 1}/${RUNS} done\n`);
    }
  } finally {
    for (const s of sup.list()) if (s.pid) await sup.forceStop(s.name, actor).catch(() => undefined);
    await h.cleanup();
  }
  console.log(`crash detection benchmark: demo guest under TCG${h.caps.version ? ` (QEMU ${h.caps.version})` : ''}; median of ${RUNS} runs, ms from kill -9 to the report`);
  console.log(`${'supervisor → crashed'.padEnd(28)}${median(viaSupervisor).toFixed(1).padStart(10)}   (all: ${viaSupervisor.map((x) => x.toFixed(1)).join(', ')})`);
  console.log(`${'reference: child → waitpid'.padEnd(28)}${median(waitpid).toFixed(1).padStart(10)}   (all: ${waitpid.map((x) => x.toFixed(1)).join(', ')})`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
