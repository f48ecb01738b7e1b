// npm run bench:sim: how long the simulator takes to write its trees and to answer writes.
// Prints medians over --runs (default 10): Orin tree generation, a 512-device synthetic tree, and
// one bind + release of the T600's group (12 validated writes through Host.write) on the sim kernel.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openHostAt } from '../index';
import { generateOrinTree } from './orin';
import { generateSyntheticTree } from './synthetic';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const RUNS = Number(values.runs);
if (!Number.isInteger(RUNS) || RUNS < 1 || RUNS > 1000) throw new Error(`--runs must be an integer from 1 to 1000, not ${values.runs}`);

function median(fn: (i: number) => void, runs = RUNS): number {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    fn(i);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)];
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-bench-sim-'));
try {
  const orin = path.join(work, 'orin');
  const gen = median(() => generateOrinTree(orin, { card: 't600' }));
  const syn = median(() => generateSyntheticTree(path.join(work, 's512'), { devices: 512 }), Math.min(RUNS, 3));
  const host = openHostAt(orin, 'sim');
  const fns = ['0005:01:00.0', '0005:01:00.1'];
  const cycle = median(() => {
    for (const a of fns) {
      host.write(`sys/bus/pci/devices/${a}/driver_override`, 'vfio-pci');
      host.write(`sys/bus/pci/devices/${a}/driver/unbind`, a);
      host.write('sys/bus/pci/drivers_probe', a);
    }
    for (const a of fns) {
      host.write('sys/bus/pci/drivers/vfio-pci/unbind', a);
      host.write(`sys/bus/pci/devices/${a}/driver_override`, '');
      host.write('sys/bus/pci/drivers_probe', a);
    }
  });
  if (!fs.readlinkSync(path.join(orin, 'sys/bus/pci/devices/0005:01:00.0/driver')).endsWith('nouveau')) throw new Error('bind/release cycle did not end on nouveau');
  console.log(`runs: ${RUNS} (synthetic: ${Math.min(RUNS, 3)})`);
  console.log(`generate simulated Orin (t600)        median ${gen.toFixed(1)} ms`);
  console.log(`generate synthetic tree, 512 devices   median ${syn.toFixed(1)} ms`);
  console.log(`bind + release T600 group (12 writes)  median ${cycle.toFixed(1)} ms  (${(cycle / 12).toFixed(2)} ms/write)`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
