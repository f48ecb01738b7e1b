// CPU per small chunk and per keystroke of each console server (jetvm, ttyd, the Node relay), measured
// from the server's main thread's CPU time (/proc/<pid>/schedstat) while a chardev stand-in sends
// 16-byte chunks one at a time to one viewer, and while that viewer types keys the stand-in echoes.
// What the guest rows of bench:console depend on when QEMU's TCG thread competes for the same cores.
// Run: npx tsx bench/console-cpu.ts (env: CHUNKS, KEYS, ROUNDS, KINDS=jetvm,ttyd,node; JETVM_BENCH_PROFILE=<dir> for CPU profiles).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChardevStandIn } from '../server/console/testing/chardev-standin';
import { LABEL, startServer, ttydBinary, type Kind } from './console-servers';
import { percentile, until } from './console-clients';
import { standInClients, withStandIn } from './stand-in';

const CHUNKS = Number(process.env.CHUNKS ?? 3000);
const KEYS = Number(process.env.KEYS ?? 1000);
/** the first chunks and keys of a newly started server, measured apart (a JIT runtime runs them in its interpreter) */
const FRESH = 50;
/** CPU time of the process's main thread (where the event loop runs), from the scheduler's nanosecond count */
function cpuSeconds(pid: number): number {
  return Number(fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e9;
}

interface Cost {
  chunkUs: number;
  keyUs: number;
}

async function measure(kind: Kind): Promise<{ fresh: Cost; warm: Cost }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-cpu-'));
  try {
    return await withStandIn(dataDir, 'demo', { clients: standInClients(kind), echo: true }, (standIn, socket) => measureWith(kind, dataDir, standIn, socket));
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function measureWith(kind: Kind, dataDir: string, standIn: ChardevStandIn, socket: string): Promise<{ fresh: Cost; warm: Cost }> {
  const server = await startServer(kind, dataDir, 'demo', socket);
  try {
    const c = await server.connect();
    while (!standIn.connected) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 300));
    const pid = server.pid;
    const chunk = Buffer.from('0123456789abcde\n');
    const chunks = async (n: number) => {
      const cpu0 = cpuSeconds(pid);
      for (let i = 0; i < n; i++) {
        const before = c.receivedLength();
        await standIn.write(chunk);
        await until(c, () => c.receivedLength() >= before + chunk.length);
      }
      return ((cpuSeconds(pid) - cpu0) / n) * 1e6;
    };
    const keys = async (n: number) => {
      const cpu0 = cpuSeconds(pid);
      for (let i = 0; i < n; i++) {
        const before = c.receivedLength();
        c.type('x');
        await until(c, () => c.receivedLength() > before);
      }
      return ((cpuSeconds(pid) - cpu0) / n) * 1e6;
    };
    const fresh = { chunkUs: await chunks(FRESH), keyUs: await keys(FRESH) };
    const warm = { chunkUs: await chunks(CHUNKS), keyUs: await keys(KEYS) };
    c.close();
    return { fresh, warm };
  } finally {
    await server.stop();
  }
}

const kinds = (process.env.KINDS?.split(',') as Kind[] | undefined) ?? (ttydBinary() ? ['jetvm', 'ttyd', 'node'] : ['jetvm', 'node']);
const rounds = Number(process.env.ROUNDS ?? 3);
const results = new Map<Kind, Record<'fresh' | 'warm', { chunkUs: number[]; keyUs: number[] }>>();
for (let r = 0; r < rounds; r++) {
  for (const k of kinds) {
    const m = await measure(k);
    const acc = results.get(k) ?? { fresh: { chunkUs: [], keyUs: [] }, warm: { chunkUs: [], keyUs: [] } };
    for (const phase of ['fresh', 'warm'] as const) {
      acc[phase].chunkUs.push(m[phase].chunkUs);
      acc[phase].keyUs.push(m[phase].keyUs);
    }
    results.set(k, acc);
  }
}
const median = (xs: number[]) => percentile(xs, 50).toFixed(1).padStart(6);
console.log(`server main-thread CPU, µs, median of ${rounds} rounds: a stand-in sends 16-byte chunks one at a time to 1 viewer, which types keys the stand-in echoes`);
console.log(`fresh: the first ${FRESH} chunks and ${FRESH} keys after start; warm: the next ${CHUNKS} chunks and ${KEYS} keys`);
console.log(`${''.padEnd(12)}  fresh chunk  fresh key  warm chunk  warm key`);
for (const [k, m] of results) console.log(`${LABEL[k].padEnd(12)}  ${median(m.fresh.chunkUs).padStart(11)}  ${median(m.fresh.keyUs).padStart(9)}  ${median(m.warm.chunkUs).padStart(10)}  ${median(m.warm.keyUs).padStart(8)}`);
