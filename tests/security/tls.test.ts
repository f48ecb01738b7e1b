import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '@/server/config';
import { loadTls, selfSignedPaths } from '@/server/http/tls';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-tls-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
const config = (env: Record<string, string>): Config => loadConfig({ NODE_ENV: 'test', JETVM_HOST: 'sim', JETVM_DATA_DIR: dataDir, ...env });

describe('TLS', () => {
  it('plain HTTP unless asked', async () => {
    expect(await loadTls(config({}))).toBeNull();
  });

  it('JETVM_TLS_SELF_SIGNED=1 creates a certificate once (key 0600) and reuses it on restart', async () => {
    const first = await loadTls(config({ JETVM_TLS_SELF_SIGNED: '1' }));
    const paths = selfSignedPaths(dataDir);
    expect(first?.source).toContain('created');
    expect(fs.statSync(paths.key).mode & 0o777).toBe(0o600);
    expect(fs.statSync(paths.dir).mode & 0o077).toBe(0);
    const x509 = new crypto.X509Certificate(fs.readFileSync(paths.cert));
    expect(first?.fingerprint256).toBe(x509.fingerprint256);
    expect(x509.subjectAltName).toContain('DNS:localhost');
    expect(x509.subjectAltName).toContain('IP Address:127.0.0.1');

    const again = await loadTls(config({ JETVM_TLS_SELF_SIGNED: '1' }));
    expect(again?.source).toContain('reused');
    expect(again?.fingerprint256).toBe(first?.fingerprint256);
  });

  it('serves JETVM_TLS_CERT + JETVM_TLS_KEY and explains wrong combinations', async () => {
    const { cert, key } = selfSignedPaths(dataDir);
    const given = await loadTls(config({ JETVM_TLS_CERT: cert, JETVM_TLS_KEY: key }));
    expect(given?.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);

    await expect(loadTls(config({ JETVM_TLS_CERT: cert }))).rejects.toThrow(/go together/);
    await expect(loadTls(config({ JETVM_TLS_CERT: cert, JETVM_TLS_KEY: key, JETVM_TLS_SELF_SIGNED: '1' }))).rejects.toThrow(/not both/);
    await expect(loadTls(config({ JETVM_TLS_CERT: cert, JETVM_TLS_KEY: '/nonexistent/key.pem' }))).rejects.toThrow(/JETVM_TLS_KEY=\/nonexistent\/key.pem: ENOENT/);

    const otherKey = path.join(dataDir, 'other-key.pem');
    fs.writeFileSync(otherKey, crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await expect(loadTls(config({ JETVM_TLS_CERT: cert, JETVM_TLS_KEY: otherKey }))).rejects.toThrow(/does not belong/);
    await expect(loadTls(config({ JETVM_TLS_CERT: otherKey, JETVM_TLS_KEY: otherKey }))).rejects.toThrow(/not a PEM certificate/);
  });
});
