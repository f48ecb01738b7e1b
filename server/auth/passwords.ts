import crypto from 'node:crypto';

// scrypt with N=2^15, r=8, p=1: ~32 MiB and tens of ms per hash, OWASP's floor for scrypt.
const N = 1 << 15;
const R = 8;
const P = 1;
const KEYLEN = 32;
const MAXMEM = 64 * 1024 * 1024;

export function hashPassword(password: string): string {
  const salt = crypto.randomBytes(16);
  const key = crypto.scryptSync(password.normalize('NFKC'), salt, KEYLEN, { N, r: R, p: P, maxmem: MAXMEM });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Asynchronous (libuv's thread pool): a login's tens of ms of scrypt never stall other requests. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, saltB64, keyB64] = parts;
  const expected = Buffer.from(keyB64, 'base64');
  const options = { N: Number(n), r: Number(r), p: Number(p), maxmem: MAXMEM };
  const key = await new Promise<Buffer>((resolve, reject) =>
    crypto.scrypt(password.normalize('NFKC'), Buffer.from(saltB64, 'base64'), expected.length, options, (err, k) => (err ? reject(err) : resolve(k))),
  );
  return crypto.timingSafeEqual(key, expected);
}

export function generatePassword(): string {
  return crypto.randomBytes(15).toString('base64url');
}
