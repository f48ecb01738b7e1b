// Echo latency of jetvm's console built two (or more) ways, beside ttyd 1.7.7 and the Node relay, in one run:
// what bench:console's echo rows measure, without its floods, to tell whether a change to the server or to
// start.sh's node flags moves them. Each variant is a jetvm console server in a process of its own:
//   AB_VARIANTS='name=flags|name=flags;source' — flags: node's V8 flags instead of start.sh's ("start" = start.sh's,
//   "start +--x" = start.sh's and --x); source: another checkout whose server code runs (e.g. a worktree of main).
// The variants, ttyd and the relay take turns in AB_ROUNDS (4) rounds of AB_KEYS (50) fresh keys each, as in
// bench:console; AB_TARGET=guest (default) types on the real demo guest's shell, AB_TARGET=stand-in on a socket
// that echoes at once (the server's path alone).
// Run: npx tsx bench/console-ab.ts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bootGuestToPrompt, table, withTerminal } from './console';
import { inRounds, joined, measureEcho, percentile, type Echo } from './console-clients';
import { LABEL, startFlags, ttydBinary, type Kind, type Variant } from './console-servers';
import { withStandIn } from './stand-in';

interface Entry {
  label: string;
  kind: Kind;
  variant?: Variant;
}

function parseVariants(spec: string): Entry[] {
  return spec.split('|').map((item) => {
    const eq = item.indexOf('=');
    if (eq < 1) throw new Error(`AB_VARIANTS: "${item}" is not name=flags[;source]`);
    const [flags, source] = item.slice(eq + 1).split(';');
    const words = flags!.trim().split(/\s+/).filter(Boolean);
    const nodeFlags = words[0] === 'start' ? [...startFlags(), ...words.slice(1).map((w) => w.replace(/^\+/, ''))] : words;
    return { label: item.slice(0, eq), kind: 'jetvm', variant: { nodeFlags, source: source || undefined } };
  });
}

const entries: Entry[] = [
  ...parseVariants(process.env.AB_VARIANTS || 'jetvm=start'),
  ...(ttydBinary() ? [{ label: LABEL.ttyd, kind: 'ttyd' as const }] : []),
  { label: LABEL.node, kind: 'node' },
];
const ROUNDS = Number(process.env.AB_ROUNDS || 4);
const KEYS = Number(process.env.AB_KEYS || 50);
const target = process.env.AB_TARGET || 'guest';
if (target !== 'guest' && target !== 'stand-in') throw new Error(`AB_TARGET is guest or stand-in, not ${target}`);

const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-bench-ab-'));
const measureAll = (socket: string) => inRounds(entries, ROUNDS, (e) => withTerminal(e.kind, dataDir, 'demo', socket, (c) => measureEcho(c, KEYS), e.variant));
let measured: Map<Entry, Echo[]>;
try {
  if (target === 'guest') {
    const guest = await bootGuestToPrompt(dataDir);
    try {
      measured = await measureAll(guest.serialSocket);
    } finally {
      await guest.stop();
    }
  } else {
    measured = await withStandIn(dataDir, 'demo', { clients: 'many', echo: true }, (_, socket) => measureAll(socket));
  }
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
const ms = (xs: number[], q: number) => percentile(xs, q).toFixed(2);
const rows = [['', 'fresh p50', 'fresh p90', 'fresh p99', 'warm p50', 'warm p90', 'warm p99']];
for (const [e, echoes] of measured) {
  const s = joined(echoes);
  rows.push([e.label, ...[50, 90, 99].map((q) => ms(s.fresh, q)), ...[50, 90, 99].map((q) => ms(s.warm, q))]);
}
process.stdout.write(`echo latency, ms, ${target === 'guest' ? 'real guest' : 'stand-in echoing'}: ${ROUNDS} rounds of ${KEYS} fresh keys per server (load ${load} before, ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} after)\n`);
for (const e of entries) if (e.variant) process.stdout.write(`  ${e.label}: node ${e.variant.nodeFlags!.join(' ')}${e.variant.source ? `; server code from ${e.variant.source}` : ''}\n`);
process.stdout.write(`${table(rows)}\n`);
process.exit(0);
