import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config';

export interface TlsSetup {
  cert: Buffer;
  key: Buffer;
  /** SHA-256 of the certificate ("AB:CD:…"), printed at start so users can check what the browser shows */
  fingerprint256: string;
  /** where it came from, for the start-up message */
  source: string;
}

/** Where JETVM_TLS_SELF_SIGNED=1 keeps its certificate, inside the data directory. */
export function selfSignedPaths(dataDir: string): { dir: string; cert: string; key: string } {
  const dir = path.join(dataDir, 'tls');
  return { dir, cert: path.join(dir, 'cert.pem'), key: path.join(dir, 'key.pem') };
}

/** The certificate and key to serve HTTPS with, or null for plain HTTP. */
export async function loadTls(config: Config): Promise<TlsSetup | null> {
  if (config.tlsCert || config.tlsKey) {
    if (!config.tlsCert || !config.tlsKey) throw new Error('JETVM_TLS_CERT and JETVM_TLS_KEY go together: set both or neither');
    if (config.tlsSelfSigned) throw new Error('set either JETVM_TLS_CERT/JETVM_TLS_KEY or JETVM_TLS_SELF_SIGNED=1, not both');
    const cert = readOrExplain(config.tlsCert, 'JETVM_TLS_CERT');
    const key = readOrExplain(config.tlsKey, 'JETVM_TLS_KEY');
    return { cert, key, fingerprint256: checkPair(cert, key, `${config.tlsCert} and ${config.tlsKey}`), source: config.tlsCert };
  }
  if (!config.tlsSelfSigned) return null;
  const paths = selfSignedPaths(config.dataDir);
  const reused = reuseSelfSigned(paths);
  if (reused) return { ...reused, source: `${paths.cert} (self-signed, reused)` };
  const created = await createSelfSigned(paths);
  return { ...created, source: `${paths.cert} (self-signed, created now)` };
}

function readOrExplain(file: string, variable: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new Error(`${variable}=${file}: ${(err as Error).message}`);
  }
}

/** Parses the certificate, checks the key belongs to it and returns its SHA-256 fingerprint. */
function checkPair(cert: Buffer, key: Buffer, what: string): string {
  let x509: crypto.X509Certificate;
  let privateKey: crypto.KeyObject;
  try {
    x509 = new crypto.X509Certificate(cert);
    privateKey = crypto.createPrivateKey(key);
  } catch (err) {
    throw new Error(`${what}: not a PEM certificate and private key (${(err as Error).message})`);
  }
  if (!x509.checkPrivateKey(privateKey)) throw new Error(`${what}: the key does not belong to the certificate`);
  return x509.fingerprint256;
}

const RENEW_BEFORE_MS = 7 * 24 * 60 * 60 * 1000;

function reuseSelfSigned(paths: { cert: string; key: string }): Omit<TlsSetup, 'source'> | null {
  if (!fs.existsSync(paths.cert) || !fs.existsSync(paths.key)) return null;
  const cert = fs.readFileSync(paths.cert);
  const key = fs.readFileSync(paths.key);
  const fingerprint256 = checkPair(cert, key, `${paths.cert} and ${paths.key}`);
  // an expiring certificate is replaced (the fingerprint then changes, and the start-up message says so)
  if (Date.parse(new crypto.X509Certificate(cert).validTo) - Date.now() < RENEW_BEFORE_MS) return null;
  fs.chmodSync(paths.key, 0o600);
  return { cert, key, fingerprint256 };
}

/** Names and addresses the certificate is valid for: loopback, the host name and every LAN address. */
function subjectAltNames(): Array<{ type: 2; value: string } | { type: 7; ip: string }> {
  const host = os.hostname();
  const dns = [...new Set(['localhost', host, `${host}.local`])].map((value) => ({ type: 2 as const, value }));
  const ips = new Set(['127.0.0.1', '::1']);
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) ips.add(a.address.replace(/%.*$/, ''));
  return [...dns, ...[...ips].map((ip) => ({ type: 7 as const, ip }))];
}

async function createSelfSigned(paths: { dir: string; cert: string; key: string }): Promise<Omit<TlsSetup, 'source'>> {
  const now = new Date();
  // loaded only to make a certificate: it and its ASN.1 libraries would cost the server ~5 MiB resident for good
  const { generate } = await import('selfsigned');
  const pems = await generate([{ name: 'commonName', value: `jetvm on ${os.hostname()}` }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 5 * 365 * 24 * 60 * 60 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: subjectAltNames() },
    ],
  });
  fs.mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  writePrivate(paths.key, pems.private);
  writePrivate(paths.cert, pems.cert, 0o644);
  const cert = Buffer.from(pems.cert);
  const key = Buffer.from(pems.private);
  return { cert, key, fingerprint256: checkPair(cert, key, paths.cert) };
}

/** Written to a temporary name with its final mode, then renamed: never readable by others, never half-written. */
function writePrivate(file: string, text: string, mode = 0o600): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, { mode });
  fs.chmodSync(tmp, mode);
  fs.renameSync(tmp, file);
}
