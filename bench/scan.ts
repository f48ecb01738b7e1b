// npm run bench:scan: how long scanHost() takes on the simulated Orin tree and on a generated
// 512-device tree, beside lspci reading the same trees (lspci -A linux-sysfs -vnnk).
// Scan times are in-process; lspci times include starting the lspci process, which is how
// anything would use it. The two are sampled in turn, so a change in the machine's load hits both
// alike; CPU time (user + system: this process for the scan, the waited-for lspci for lspci) is
// printed beside the wall time. Usage: npm run bench:scan [-- --runs N]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadPciIds } from '../server/host/pciids';
import { scanHost } from '../server/host/scan/index';
import { generateOrinTree } from '../server/host/sim/orin';
import { generateSyntheticTree } from '../server/host/sim/synthetic';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '25' } } });
const RUNS = Number(values.runs);
if (!Number.isInteger(RUNS) || RUNS < 1 || RUNS > 10_000) throw new Error(`--runs must be an integer from 1 to 10000, not ${values.runs}`);

/** CPU ms so far of this process and of its waited-for children (/proc/self/stat: clock ticks, 100 a second) */
function cpuNow(): { self: number; children: number } {
  const u = process.cpuUsage();
  const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return { self: (u.user + u.system) / 1000, children: (Number(fields[13]) + Number(fields[14])) * 10 };
}

function wallMs(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** RUNS wall samples of each, in turn, after one warm-up of each (file cache, JIT); CPU ms per run over all of them. */
function compare(ours: () => void, theirs: () => void) {
  ours();
  theirs();
  const wall = { ours: [] as number[], theirs: [] as number[] };
  const cpu = { ours: 0, theirs: 0 };
  for (let i = 0; i < RUNS; i++) {
    let c = cpuNow();
    wall.ours.push(wallMs(ours));
    cpu.ours += cpuNow().self - c.self;
    c = cpuNow();
    wall.theirs.push(wallMs(theirs));
    cpu.theirs += cpuNow().children - c.children;
  }
  return { wall, cpu: { ours: cpu.ours / RUNS, theirs: cpu.theirs / RUNS } };
}

const lspci = (root: string) => () =>
  execFileSync('lspci', ['-A', 'linux-sysfs', '-O', `sysfs.path=${path.join(root, 'sys/bus/pci')}`, '-vnnk'], { stdio: ['ignore', 'ignore', 'ignore'] });

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-bench-scan-'));
try {
  const parseMs = wallMs(() => loadPciIds());
  const trees = [
    { name: 'simulated Orin (t600)', root: path.join(work, 'orin'), make: (r: string) => generateOrinTree(r, { card: 't600' }) },
    { name: 'synthetic 512 devices', root: path.join(work, 's512'), make: (r: string) => generateSyntheticTree(r, { devices: 512 }) },
  ];
  const rows: string[][] = [];
  for (const t of trees) {
    t.make(t.root);
    const devices = scanHost(t.root).devices.length;
    const { wall, cpu } = compare(() => scanHost(t.root), lspci(t.root));
    const [ours, theirs] = [median(wall.ours), median(wall.theirs)];
    rows.push([
      t.name,
      String(devices),
      ours.toFixed(2),
      Math.min(...wall.ours).toFixed(2),
      theirs.toFixed(2),
      Math.min(...wall.theirs).toFixed(2),
      `${(ours / theirs).toFixed(2)}x`,
      cpu.ours.toFixed(1),
      cpu.theirs.toFixed(1),
      `${(cpu.ours / cpu.theirs).toFixed(2)}x`,
    ]);
  }
  const header = ['tree', 'devices', 'scan median ms', 'scan min ms', 'lspci median ms', 'lspci min ms', 'scan/lspci (median)', 'scan cpu ms', 'lspci cpu ms', 'scan/lspci (cpu)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`scanHost vs lspci -vnnk, ${RUNS} runs each in turn after one warm-up (node ${process.version}, ${os.cpus().length} CPUs; ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} load)`);
  console.log(`pci.ids parse, once per process: ${parseMs.toFixed(1)} ms (not in the scan times)`);
  console.log(line(header));
  for (const r of rows) console.log(line(r));
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
