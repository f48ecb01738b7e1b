import { boardView } from '../host/boards/map';
import { scanHost } from '../host/scan/index';
import type { HostSnapshot } from '../host/types';
import { parseCommand, USAGE, UsageError, type Command } from './args';
import { scanJson, type ScanJson } from './scan-json';
import { scanText } from './scan-text';
import { runOverlay } from './overlay-cli';

interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}
const processIo: Io = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

/** The configured host (real on a Jetson, else the simulated Orin), loaded only when no tree is given. */
async function scanConfiguredHost(): Promise<{ mode: ScanJson['host']['mode']; snapshot: HostSnapshot }> {
  // the server's logger writes to stdout, which here carries the tables or the JSON: quiet unless asked
  process.env.LOG_LEVEL ||= 'silent';
  const [{ loadConfig }, { openHost }] = await Promise.all([import('../config'), import('../host/index')]);
  const host = openHost(loadConfig());
  return { mode: host.mode, snapshot: host.scan() };
}

async function runScan(cmd: Extract<Command, { kind: 'scan' }>, io: Io): Promise<number> {
  const { mode, snapshot } = cmd.sysfsRoot === null ? await scanConfiguredHost() : { mode: 'tree' as const, snapshot: scanHost(cmd.sysfsRoot) };
  const view = boardView(snapshot);
  io.stdout(cmd.json ? `${JSON.stringify(scanJson(mode, snapshot, view), null, 2)}\n` : scanText(mode, snapshot, view));
  return 0;
}

/** Runs the CLI; returns the exit status (0 ok, 1 failure, 2 usage error). */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let cmd: Command;
  try {
    cmd = parseCommand(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`jetvm: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  if (cmd.kind === 'help') {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  try {
    return cmd.kind === 'overlay' ? await runOverlay(cmd, io) : await runScan(cmd, io);
  } catch (err) {
    io.stderr(`jetvm ${cmd.kind}: ${(err as Error).message}\n`);
    return 1;
  }
}
