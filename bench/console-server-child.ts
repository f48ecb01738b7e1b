// A terminal server in a process of its own, for npm run bench:console to measure its memory apart
// from the load generator: `jetvm <dataDir> <vm>` (the console hub + WebSocket route) or
// `node <dataDir> <vm>` (the Node reference relay, bench/reference-terminal.ts). Prints one JSON line {url, cookie}; ends on SIGTERM.
import { consolePaths } from '../server/vm/paths';
import { startConsoleServer } from '../server/console/testing/console-server';
import { startReferenceTerminal } from './reference-terminal';

const [kind, dataDir, vm] = process.argv.slice(2) as [string, string, string];

async function main() {
  let close: () => Promise<void>;
  if (kind === 'jetvm') {
    const s = await startConsoleServer(dataDir, { vms: [vm] });
    const hub = s.service.hub(vm)!;
    while (hub.link.state !== 'connected') await new Promise((r) => setTimeout(r, 10));
    process.stdout.write(`${JSON.stringify({ url: s.wsUrl(vm), cookie: s.cookie('admin') })}\n`);
    close = () => s.close();
  } else if (kind === 'node') {
    const r = await startReferenceTerminal(consolePaths(dataDir, vm).serialSocket);
    process.stdout.write(`${JSON.stringify({ url: r.url, cookie: '' })}\n`);
    close = () => r.close();
  } else {
    throw new Error(`usage: console-server-child.ts jetvm|node <dataDir> <vm>, not ${kind}`);
  }
  process.once('SIGTERM', () => void close().then(() => process.exit(0)));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
