// CPU per small chunk and per keystroke of each console server (jetvm, ttyd, the Node relay), measured
// from the server's main thread's CPU time (/proc/<pid>/schedstat) while a chardev stand-in sends
// 16-byte chunks one at a time to one viewer, and while that viewer types keys the stand-in echoes.
// What the guest rows of bench:console depend on when QEMU's TCG thread competes for the same cores.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChardevStandIn } from '../server/console/testing/chardev-standin';
import { consolePaths } from '../server/vm/paths';
import { LABEL, startServer, ttydBinary, type Kind } from './console-servers';
import { until } from './console-clients';

const CHUNKS = Number(process.env.CHUNKS ?? 3000);
const KEYS = Number(process.env.KEYS ?? 1000);
/** CPU time of the process's main thread (where the event loop runs), from the scheduler's nanosecond count */
function cpuSeconds(pid: number): number {
  return Number(fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e9;
}

async function measure(kind: Kind): Promise<{ chunkUs: number; keyUs: number }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-cpu-'));
  const vm = 'demo';
  const sock = consolePaths(dataDir, vm).serialSocket;
  fs.mkdirSync(path.dirname(sock), { recursive: true });
  const standIn = await ChardevStandIn.listen(sock, { clients: kind === 'ttyd' ? 'many' : 'one', echo: true });
  const server = await startServer(kind, dataDir, vm, sock);
  try {
    const c = await server.connect();
    while (!standIn.connected) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 300));
    const pid = server.pid;
    const chunk = Buffer.from('0123456789abcde\n');
    let cpu0 = cpuSeconds(pid);
    for (let i = 0; i < CHUNKS; i++) {
      const before = c.receivedLength();
      await standIn.write(chunk);
      await until(c, () => c.receivedLength() >= before + chunk.length);
    }
    const chunkUs = ((cpuSeconds(pid) - cpu0) / CHUNKS) * 1e6;
    cpu0 = cpuSeconds(pid);
    for (let i = 0; i < KEYS; i++) {
      const before = c.receivedLength();
      c.type('x');
      await until(c, () => c.receivedLength() > before);
    }
    const keyUs = ((cpuSeconds(pid) - cpu0) / KEYS) * 1e6;
    c.close();
    return { chunkUs, keyUs };
  } finally {
    await server.stop();
    await standIn.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const kinds = (process.env.KINDS?.split(',') as Kind[] | undefined) ?? (ttydBinary() ? ['jetvm', 'ttyd', 'node'] : ['jetvm', 'node']);
const rounds = Number(process.env.ROUNDS ?? 2);
const results = new Map<Kind, { chunkUs: number[]; keyUs: number[] }>();
for (let r = 0; r < rounds; r++) {
  for (const k of kinds) {
    const m = await measure(k);
    const acc = results.get(k) ?? { chunkUs: [], keyUs: [] };
    acc.chunkUs.push(m.chunkUs);
    acc.keyUs.push(m.keyUs);
    results.set(k, acc);
  }
}
const min = (xs: number[]) => Math.min(...xs).toFixed(1);
console.log(`server CPU, µs (least of ${rounds} rounds; ${CHUNKS} chunks of 16 bytes to 1 viewer, ${KEYS} keys echoed by the stand-in)`);
for (const [k, m] of results) console.log(`${LABEL[k].padEnd(12)} per chunk ${min(m.chunkUs).padStart(5)}   per key ${min(m.keyUs).padStart(5)}`);
