import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import type { HostMode } from './host/types';
import { parseAllowedHosts } from './http/allowed-hosts';
import { parseImageDirs } from './vm/image-dirs';
import { guestPaths } from './vm/guest';
import { parseRelease, type L4tRelease } from './devicetree/trees';

/** Every environment variable jetvm reads, in one place (the README's configuration table mirrors this). */
export interface Config {
  host: string;
  port: number;
  dataDir: string;
  hostMode: HostMode;
  /** JETVM_SIM_CARD: the card the simulated Orin has in its x8 slot */
  simCard: string;
  /** JETVM_SIM_L4T: the release whose devkit device tree the simulated Orin boots (r36: JetPack 6, r35: JetPack 5) */
  simRelease: L4tRelease;
  adminPassword: string | null;
  tlsCert: string | null;
  tlsKey: string | null;
  tlsSelfSigned: boolean;
  qemuBinary: string;
  /** JETVM_LOGIN_LOCK_SECONDS: how long a client is locked out after 5 failed logins in a row (doubling after that, up to 15 min) */
  loginLockSeconds: number;
  logLevel: string;
  /** JETVM_ALLOWED_HOSTS: the Host names requests may carry (DNS rebinding defence), default this machine's names */
  allowedHosts: string[];
  /** JETVM_AUDIT_MAX_DAYS / JETVM_AUDIT_MAX_ROWS: how long and how much audit log is kept */
  auditRetention: { maxAgeDays: number; maxRows: number };
  /**
   * JETVM_HOST_SHELL=1: serve the host shell (off by default); JETVM_HOST_SHELL_MAX shells at once;
   * JETVM_SHELL_TRANSCRIPT_MAX_MB (kept here in bytes): all session transcripts together, the oldest deleted first
   */
  hostShell: { enabled: boolean; max: number; transcriptMaxBytes: number };
  /** JETVM_IMAGE_DIRS: where VM kernels, initrds and disks may come from */
  imageDirs: string[];
  /** JETVM_GUEST_CACHE: where scripts/build-demo-guest.sh put the demo guests */
  guestDir: string;
}

const TEGRA234 = 'nvidia,tegra234';

/** process.env or any plain map of variables (tests pass their own) */
export type Env = Record<string, string | undefined>;

/** real mode only on a Jetson (device tree says tegra234) or when JETVM_HOST=real is set. */
export function detectHostMode(env: Env = process.env): HostMode {
  const forced = env.JETVM_HOST;
  if (forced === 'real' || forced === 'sim') return forced;
  if (forced) throw new Error(`JETVM_HOST must be "real" or "sim", not ${JSON.stringify(forced)}`);
  try {
    const compatible = fs.readFileSync('/proc/device-tree/compatible', 'latin1');
    if (compatible.split('\0').includes(TEGRA234)) return 'real';
  } catch {
    /* not a device-tree machine */
  }
  return 'sim';
}

function intEnv(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer from ${min} to ${max}, not ${JSON.stringify(raw)}`);
  return n;
}

export function defaultDataDir(env: Env = process.env): string {
  if (env.JETVM_DATA_DIR) return path.resolve(env.JETVM_DATA_DIR);
  const xdg = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(xdg, 'jetvm');
}

export function loadConfig(env: Env = process.env): Config {
  const dataDir = defaultDataDir(env);
  const guestDir = guestPaths(env).dir;
  return {
    host: env.HOST || '0.0.0.0',
    port: intEnv(env, 'PORT', 3000, 1, 65535),
    dataDir,
    hostMode: detectHostMode(env),
    simCard: (env.JETVM_SIM_CARD || 't600').toLowerCase(),
    simRelease: parseRelease(env.JETVM_SIM_L4T?.toLowerCase()),
    adminPassword: env.JETVM_ADMIN_PASSWORD || null,
    tlsCert: env.JETVM_TLS_CERT || null,
    tlsKey: env.JETVM_TLS_KEY || null,
    tlsSelfSigned: env.JETVM_TLS_SELF_SIGNED === '1',
    qemuBinary: env.JETVM_QEMU || 'qemu-system-aarch64',
    loginLockSeconds: intEnv(env, 'JETVM_LOGIN_LOCK_SECONDS', 30, 1, 900),
    logLevel: env.LOG_LEVEL || 'info',
    allowedHosts: parseAllowedHosts(env.JETVM_ALLOWED_HOSTS),
    imageDirs: parseImageDirs(env.JETVM_IMAGE_DIRS, [path.join(dataDir, 'images'), guestDir]),
    guestDir,
    hostShell: {
      enabled: env.JETVM_HOST_SHELL === '1',
      max: intEnv(env, 'JETVM_HOST_SHELL_MAX', 2, 1, 32),
      transcriptMaxBytes: intEnv(env, 'JETVM_SHELL_TRANSCRIPT_MAX_MB', 512, 1, 1_048_576) * 1024 * 1024,
    },
    auditRetention: { maxAgeDays: intEnv(env, 'JETVM_AUDIT_MAX_DAYS', 365, 1, 36_500), maxRows: intEnv(env, 'JETVM_AUDIT_MAX_ROWS', 100_000, 100, 100_000_000) },
  };
}
