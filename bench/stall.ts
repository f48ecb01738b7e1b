// npm run bench:stall — does a viewer hammering the heaviest query stall everyone else?
// Starts the production server (needs `npx next build`) on a free port, then measures GET / (the
// overview page, as an admin) sequentially: first idle, then while a logged-in viewer keeps
// BENCH_STALL_CONNECTIONS connections busy with full batches of passthrough.overlay, each with new
// labels so no answer comes from the cache (every call runs dtc, dtc, fdtoverlay and fdtget).
// Reference (issue #13, before the fix): 20 batched overlay calls stalled the server 5.8 s.
import fs from 'node:fs';
import { startServer, ADMIN_PASSWORD } from '../e2e/server';
import { TRPC_MAX_BATCH } from '../lib/limits';
import { percentile } from './console-clients';

const SAMPLES = Number(process.env.BENCH_STALL_SAMPLES || 200);
const CONNECTIONS = Number(process.env.BENCH_STALL_CONNECTIONS || 4);

async function main() {
  const server = await startServer({ LOG_LEVEL: 'error' });
  const origin = server.url;
  const post = async (procedure: string, input: unknown, cookie = '') => {
    const r = await fetch(`${origin}/api/trpc/${procedure}`, { method: 'POST', headers: { 'content-type': 'application/json', origin, cookie }, body: JSON.stringify({ json: input }) });
    if (!r.ok) throw new Error(`${procedure}: ${r.status} ${await r.text()}`);
    return r.headers.get('set-cookie')?.split(';')[0] ?? '';
  };
  try {
    const admin = await post('auth.login', { name: 'admin', password: ADMIN_PASSWORD });
    await post('users.create', { name: 'hammer', role: 'viewer', password: 'hammer-password' }, admin);
    const viewer = await post('auth.login', { name: 'hammer', password: 'hammer-password' });

    const page = async () => {
      const t = performance.now();
      const r = await fetch(`${origin}/`, { headers: { cookie: admin } });
      await r.arrayBuffer();
      if (r.status !== 200) throw new Error(`GET / answered ${r.status}`);
      return performance.now() - t;
    };
    const measure = async () => {
      for (let i = 0; i < 10; i++) await page(); // warm-up
      const xs: number[] = [];
      for (let i = 0; i < SAMPLES; i++) xs.push(await page());
      return xs;
    };
    const idle = await measure();

    let stop = false;
    let calls = 0;
    let refused = 0;
    let n = 0;
    const hammer = async () => {
      while (!stop) {
        const batch = Array.from({ length: TRPC_MAX_BATCH }, () => ({ json: { labels: [`bench_${process.pid}_${n++}`] } }));
        const input = encodeURIComponent(JSON.stringify(Object.fromEntries(batch.map((b, i) => [i, b]))));
        const r = await fetch(`${origin}/api/trpc/${batch.map(() => 'passthrough.overlay').join(',')}?batch=1&input=${input}`, { headers: { cookie: viewer } });
        const body = (await r.json()) as Array<{ error?: unknown }>;
        calls += body.length;
        refused += body.filter((x) => x.error).length;
      }
    };
    const hammers = Array.from({ length: CONNECTIONS }, hammer);
    await new Promise((r) => setTimeout(r, 500));
    const loadedStart = performance.now();
    const loaded = await measure();
    const seconds = (performance.now() - loadedStart) / 1000;
    stop = true;
    await Promise.all(hammers);

    const row = (label: string, xs: number[]) =>
      `${label.padEnd(34)} p50 ${percentile(xs, 50).toFixed(1).padStart(7)} ms   p99 ${percentile(xs, 99).toFixed(1).padStart(7)} ms   max ${Math.max(...xs).toFixed(1).padStart(7)} ms`;
    process.stdout.write(`bench:stall — GET / (overview page, admin), ${SAMPLES} sequential requests each\n`);
    process.stdout.write(`${row('idle', idle)}\n`);
    process.stdout.write(`${row(`viewer hammering overlay (${CONNECTIONS} conn)`, loaded)}\n`);
    process.stdout.write(`viewer: ${calls} overlay calls in ${seconds.toFixed(1)} s (${(calls / seconds).toFixed(0)}/s, ${refused} refused as busy), batches of ${TRPC_MAX_BATCH}\n`);
    process.stdout.write('reference (issue #13, before): 20 batched overlay calls stalled every request for 5.8 s\n');
  } finally {
    await server.stop();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
}

void main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
