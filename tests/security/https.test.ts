import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { selfSignedPaths } from '@/server/http/tls';
import { ADMIN_PASSWORD, startTestServer } from './harness';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-https-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** A request that trusts exactly the server's own certificate; returns the peer fingerprint too. */
function request(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string }) {
  const ca = fs.readFileSync(selfSignedPaths(dataDir).cert);
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; fingerprint: string }>((resolve, reject) => {
    const req = https.request(url, { method: opts.method ?? 'GET', headers: opts.headers, ca, servername: 'localhost' }, (res) => {
      const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, fingerprint }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

async function startAndCapture() {
  const printed: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  });
  try {
    const server = await startTestServer({ JETVM_DATA_DIR: dataDir, JETVM_TLS_SELF_SIGNED: '1' });
    return { server, printed: printed.join('') };
  } finally {
    spy.mockRestore();
  }
}

describe('HTTPS with JETVM_TLS_SELF_SIGNED=1', () => {
  it('serves the certificate whose fingerprint it printed, with Secure cookies and HSTS, and reuses it after a restart', async () => {
    const first = await startAndCapture();
    const printedFingerprint = /SHA-256 fingerprint: ([0-9A-F:]{95})/.exec(first.printed)?.[1];
    expect(first.printed).toContain('self-signed, created now');
    expect(printedFingerprint).toBe(new crypto.X509Certificate(fs.readFileSync(selfSignedPaths(dataDir).cert)).fingerprint256);
    expect(first.server.url).toMatch(/^https:\/\//);

    const origin = first.server.url;
    const login = await request(`${origin}/api/trpc/auth.login`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json' },
      body: JSON.stringify({ json: { name: 'admin', password: ADMIN_PASSWORD } }),
    });
    expect(login.status).toBe(200);
    expect(login.fingerprint).toBe(printedFingerprint);
    expect(String(login.headers['set-cookie'])).toMatch(/; HttpOnly; SameSite=Strict; Expires=[^;]+; Secure$/);
    expect(login.headers['strict-transport-security']).toMatch(/^max-age=\d+$/);
    // the Origin check knows it is served over https
    const plainOrigin = await request(`${origin}/api/trpc/auth.login`, {
      method: 'POST',
      headers: { origin: origin.replace('https:', 'http:'), 'content-type': 'application/json' },
      body: JSON.stringify({ json: { name: 'admin', password: ADMIN_PASSWORD } }),
    });
    expect(plainOrigin.status).toBe(403);
    await first.server.stop();

    const second = await startAndCapture();
    expect(second.printed).toContain('self-signed, reused');
    expect(second.printed).toContain(printedFingerprint);
    expect((await request(`${second.server.url}/login`, {})).fingerprint).toBe(printedFingerprint);
    await second.server.stop();
  });
});
