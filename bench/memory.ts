// npm run bench:memory — the production server's memory as `npm start` runs it (scripts/start.sh,
// npm run build first): RSS once idle, then peak RSS (VmHWM) while a stand-in for QEMU's serial chardev
// floods BENCH_FLOOD_MIB (256) MiB to 4 console viewers. Targets: <= 100 MiB idle, <= 160 MiB under the flood.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createSession, SESSION_COOKIE } from '../server/auth/sessions';
import { openDb } from '../server/db';
import type { ChardevStandIn } from '../server/console/testing/chardev-standin';
import { connectTerminal } from '../server/console/testing/terminal-client';
import { guestPaths } from '../server/vm/guest';
import { VmRepo } from '../server/vm/repo';
import { demoVmInput } from '../server/vm/testing/harness';
import { startServer } from '../e2e/server';
import { withStandIn } from './stand-in';

const MiB = 1024 * 1024;
const FLOOD_MIB = Number(process.env.BENCH_FLOOD_MIB || 256);
const VIEWERS = 4;

const status = (pid: number, field: 'VmRSS' | 'VmHWM') => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

async function main() {
  const load = execFileSync('uptime', { encoding: 'utf8' }).trim();
  const dataDir = fs.mkdtempSync(path.join((await import('node:os')).tmpdir(), 'jetvm-bench-memory-'));
  // a VM whose "QEMU" is the stand-in: the server adopts its serial socket at start
  const db = openDb(dataDir);
  new VmRepo(db, [guestPaths().dir]).create({ ...demoVmInput(guestPaths(), 'flood'), devices: [] });
  db.close();
  try {
    await withStandIn(dataDir, 'flood', {}, (chardev) => flood(dataDir, chardev, load));
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function flood(dataDir: string, chardev: ChardevStandIn, load: string): Promise<void> {
  const server = await startServer({ JETVM_DATA_DIR: dataDir });
  try {
    const pid = server.pid();
    const admin = openDb(dataDir);
    const cookie = `${SESSION_COOKIE}=${createSession(admin, 'admin', null).token}`;
    admin.close();
    // one page load, then let it settle
    await (await fetch(`${server.url}/`, { headers: { Cookie: cookie } })).text();
    await new Promise((r) => setTimeout(r, 5000));
    const idle = status(pid, 'VmRSS');
    const wsUrl = `${server.url.replace(/^http/, 'ws')}/ws/console/flood`;
    const clients = await Promise.all(Array.from({ length: VIEWERS }, () => connectTerminal(wsUrl, cookie, { keep: false })));
    await Promise.all(clients.map((c) => c.waitControl('history-end')));
    while (!chardev.connected) await new Promise((r) => setTimeout(r, 10));
    const block = Buffer.alloc(64 * 1024, 'flood output 0123456789abcdef\r\n');
    const total = FLOOD_MIB * MiB;
    const t0 = performance.now();
    for (let sent = 0; sent < total; sent += block.length) await chardev.write(block);
    while (clients.some((c) => c.receivedLength() < total)) await new Promise((r) => setTimeout(r, 20));
    const seconds = (performance.now() - t0) / 1000;
    const peak = status(pid, 'VmHWM');
    clients.forEach((c) => c.close());
    console.log(`server memory (npm start = scripts/start.sh, one process; ${load})`);
    console.log(`  idle, after one page load         ${idle.toFixed(0)} MiB RSS   (target <= 100)`);
    console.log(`  ${FLOOD_MIB} MiB flood to ${VIEWERS} console viewers  ${peak.toFixed(0)} MiB peak RSS (target <= 160); ${((total * VIEWERS) / 1e6 / seconds).toFixed(0)} MB/s aggregate`);
  } finally {
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
