import fs from 'node:fs';
import type { Config } from '../config';

/** The certificate and key to serve HTTPS with, or null for plain HTTP. */
export function loadTls(config: Config): { cert: Buffer; key: Buffer } | null {
  if (config.tlsCert && config.tlsKey) {
    return { cert: fs.readFileSync(config.tlsCert), key: fs.readFileSync(config.tlsKey) };
  }
  if (config.tlsCert || config.tlsKey) throw new Error('JETVM_TLS_CERT and JETVM_TLS_KEY go together: set both or neither');
  return null;
}
