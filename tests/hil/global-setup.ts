// Builds L1 once before the files run; at the end prints the timings and the nested guest's own
// kernel lines that list the passed card.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readReport } from './report';

export function setup(): void {
  process.env.JETVM_HIL_REPORT = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-hil-report-')), 'report.json');
  execFileSync('bash', [path.join(import.meta.dirname, 'l1.sh'), 'build'], { stdio: 'inherit' });
}

export function teardown(): void {
  const r = readReport();
  const out = ['', '== hardware in the loop: timings (wall seconds)'];
  for (const [k, v] of Object.entries(r.timings)) out.push(`  ${k}: ${v}`);
  out.push("== the nested guest's own kernel lines listing the passed card:");
  out.push(...(r.guestLines.length ? r.guestLines.map((l) => `  ${l}`) : ['  (none: the story did not get that far)']));
  process.stdout.write(`${out.join('\n')}\n`);
  fs.rmSync(path.dirname(process.env.JETVM_HIL_REPORT!), { recursive: true, force: true });
}
