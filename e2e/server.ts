import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../server/free-port';

export const ADMIN_PASSWORD = 'e2e-admin-password';
const projectDir = path.resolve(import.meta.dirname, '..');

export interface TestServer {
  url: string;
  dataDir: string;
  output: () => string;
  /** the server process's pid (scripts/start.sh execs node) */
  pid: () => number;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** start a second server process on the same data directory and port (dashboard restart) */
  restart(): Promise<void>;
}

let serverBuilt = false;

/** Compiles the server into dist/ (npm run build:server, about a second) once per test process. */
function buildServer(): void {
  if (serverBuilt) return;
  execFileSync('npm', ['run', '-s', 'build:server'], { cwd: projectDir, stdio: 'inherit' });
  serverBuilt = true;
}

/**
 * Starts `npm start`'s server (the compiled server in dist/, production build, simulated Orin) in a
 * fresh data directory, or in env.JETVM_DATA_DIR. `entry` runs another script in its place through
 * tsx (tests/integration/serve.ts: no pages).
 */
export async function startServer(env: Record<string, string> = {}, opts: { entry?: string } = {}): Promise<TestServer> {
  const dataDir = env.JETVM_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-e2e-'));
  const port = await freePort();
  let out = '';
  let child: ChildProcess;
  const launch = async () => {
    const from = out.length;
    if (!opts.entry) buildServer();
    // scripts/start.sh execs node: the child's pid is the server's
    const [bin, args] = opts.entry ? [process.execPath, ['--import', 'tsx', opts.entry]] : ['bash', ['scripts/start.sh']];
    child = spawn(bin, args, {
      cwd: projectDir,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(port),
        JETVM_DATA_DIR: dataDir,
        JETVM_HOST: 'sim',
        JETVM_ADMIN_PASSWORD: ADMIN_PASSWORD,
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: false,
    });
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start in 90 s:\n${out}`)), 90_000);
      const check = () => {
        if (out.slice(from).includes('jetvm ready on')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code}:\n${out}`));
      });
    });
  };
  await launch();
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    output: () => out,
    pid: () => child.pid!,
    stop,
    async restart() {
      await stop();
      await launch();
    },
  };
}
