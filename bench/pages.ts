// npm run bench:pages — first-load JavaScript of the overview and of a VM page, gzip-compressed, as a
// browser gets it: the production server (npm run build first) is started on a temp data dir, each
// page is fetched with a session, and every <script src> in its HTML is fetched and gzipped.
// Chunks loaded later (xterm.js when a console opens) are not counted: they are not in the HTML.
// Nor are <script nomodule> polyfills: every browser Next 16 supports runs modules and never downloads
// them (their size is printed apart).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createSession, SESSION_COOKIE } from '../server/auth/sessions';
import { openDb } from '../server/db';
import { startServer } from '../e2e/server';

const BUDGET_KB: Record<string, number> = { overview: 150, 'VM page': 250 };

interface FirstLoad {
  scripts: number;
  rawKb: number;
  gzipKb: number;
  /** gzip kB of the nomodule scripts a module-capable browser skips */
  nomoduleKb: number;
}

async function gzipKbOf(base: string, src: string, cookie: string): Promise<{ raw: number; gz: number }> {
  const body = Buffer.from(await (await fetch(new URL(src, base), { headers: { Cookie: cookie } })).arrayBuffer());
  return { raw: body.length, gz: zlib.gzipSync(body, { level: 9 }).length };
}

async function firstLoad(base: string, page: string, cookie: string): Promise<FirstLoad> {
  const res = await fetch(base + page, { headers: { Cookie: cookie } });
  if (!res.ok) throw new Error(`GET ${page}: ${res.status}`);
  const html = await res.text();
  const tags = [...html.matchAll(/<script([^>]*)\ssrc="([^"]+)"([^>]*)>/g)].map((m) => ({ src: m[2]!, nomodule: /\snomodule/i.test(m[1]! + m[3]!) }));
  const loaded = [...new Set(tags.filter((t) => !t.nomodule).map((t) => t.src))];
  const skipped = [...new Set(tags.filter((t) => t.nomodule).map((t) => t.src))];
  let raw = 0;
  let gz = 0;
  for (const src of loaded) {
    const size = await gzipKbOf(base, src, cookie);
    raw += size.raw;
    gz += size.gz;
  }
  let nomodule = 0;
  for (const src of skipped) nomodule += (await gzipKbOf(base, src, cookie)).gz;
  return { scripts: loaded.length, rawKb: raw / 1000, gzipKb: gz / 1000, nomoduleKb: nomodule / 1000 };
}

async function main() {
  if (!fs.existsSync(path.join(import.meta.dirname, '..', '.next', 'BUILD_ID'))) throw new Error('no production build: run npm run build first');
  const server = await startServer();
  try {
    const db = openDb(server.dataDir);
    const cookie = `${SESSION_COOKIE}=${createSession(db, 'admin', null).token}`;
    const vm = (db.prepare('SELECT name FROM vms ORDER BY name LIMIT 1').pluck().get() as string | undefined) ?? 'demo';
    db.close();
    const rows: string[] = [];
    let over = false;
    for (const [label, page] of [['overview', '/'], ['VM page', `/vms/${vm}`]] as const) {
      const r = await firstLoad(server.url, page, cookie);
      const budget = BUDGET_KB[label]!;
      over ||= r.gzipKb > budget;
      rows.push(`  ${label.padEnd(9)} ${page.padEnd(12)} ${String(r.scripts).padStart(3)} scripts  ${r.rawKb.toFixed(0).padStart(5)} kB raw  ${r.gzipKb.toFixed(0).padStart(4)} kB gzip  (budget ${budget} kB; not counted: ${r.nomoduleKb.toFixed(0)} kB nomodule polyfills)`);
    }
    console.log(`first-load JavaScript (every module <script src> in the page's HTML, gzip -9)\n${rows.join('\n')}`);
    if (over) process.exitCode = 1;
  } finally {
    await server.stop();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
