// npm run bench:scan: how long scanHost() takes on the simulated Orin tree and on a generated
// 512-device tree, beside lspci reading the same trees (lspci -A linux-sysfs -vnnk).
// Scan times are in-process; lspci times include starting the lspci process, which is how
// anything would use it. Usage: npm run bench:scan [-- --runs N]
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

function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function stats(fn: () => void): { median: number; min: number } {
  fn(); // warm-up: file cache, JIT
  const ms = Array.from({ length: RUNS }, () => time(fn)).sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)], min: ms[0] };
}

const lspci = (root: string) => () =>
  execFileSync('lspci', ['-A', 'linux-sysfs', '-O', `sysfs.path=${path.join(root, 'sys/bus/pci')}`, '-vnnk'], { stdio: ['ignore', 'ignore', 'ignore'] });

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-bench-scan-'));
try {
  const parseMs = time(() => loadPciIds());
  const trees = [
    { name: 'simulated Orin (t600)', root: path.join(work, 'orin'), make: (r: string) => generateOrinTree(r, { card: 't600' }) },
    { name: 'synthetic 512 devices', root: path.join(work, 's512'), make: (r: string) => generateSyntheticTree(r, { devices: 512 }) },
  ];
  const rows: string[][] = [];
  for (const t of trees) {
    t.make(t.root);
    const devices = scanHost(t.root).devices.length;
    const ours = stats(() => scanHost(t.root));
    const theirs = stats(lspci(t.root));
    rows.push([
      t.name,
      String(devices),
      ours.median.toFixed(2),
      ours.min.toFixed(2),
      theirs.median.toFixed(2),
      theirs.min.toFixed(2),
      `${(ours.median / theirs.median).toFixed(2)}x`,
    ]);
  }
  const header = ['tree', 'devices', 'scan median ms', 'scan min ms', 'lspci median ms', 'lspci min ms', 'scan/lspci (median)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`scanHost vs lspci -vnnk, ${RUNS} runs each after one warm-up (node ${process.version}, ${os.cpus().length} CPUs)`);
  console.log(`pci.ids parse, once per process: ${parseMs.toFixed(1)} ms (not in the scan times)`);
  console.log(line(header));
  for (const r of rows) console.log(line(r));
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
