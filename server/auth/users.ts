import { z } from 'zod';
import type { Db } from '../db';
import { generatePassword, hashPassword, verifyPassword } from './passwords';

export type Role = 'viewer' | 'admin';
export interface User {
  name: string;
  role: Role;
}

export const userNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_.-]{0,31}$/, 'a user name is 1–32 characters: lower-case letters, digits, _ . -, starting with a letter');
export const passwordSchema = z.string().min(8, 'a password has at least 8 characters').max(256, 'a password has at most 256 characters');
export const roleSchema = z.enum(['viewer', 'admin']);

export function findUser(db: Db, name: string): User | null {
  const row = db.prepare('SELECT name, role FROM users WHERE name = ?').get(name) as User | undefined;
  return row ?? null;
}

export function listUsers(db: Db): Array<User & { createdAt: string }> {
  return db.prepare('SELECT name, role, created_at AS createdAt FROM users ORDER BY name').all() as Array<User & { createdAt: string }>;
}

export function createUser(db: Db, name: string, password: string, role: Role): User {
  userNameSchema.parse(name);
  passwordSchema.parse(password);
  const now = new Date().toISOString();
  db.prepare('INSERT INTO users (name, password_hash, role, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?)').run(
    name,
    hashPassword(password),
    role,
    now,
    now,
  );
  return { name, role };
}

export function checkCredentials(db: Db, name: string, password: string): User | null {
  const row = db.prepare('SELECT name, role, password_hash FROM users WHERE name = ?').get(name) as
    | (User & { password_hash: string })
    | undefined;
  if (!row) {
    // spend the same time as a real check so user names cannot be probed by timing
    verifyPassword(password, DUMMY_HASH);
    return null;
  }
  return verifyPassword(password, row.password_hash) ? { name: row.name, role: row.role } : null;
}

export function setPassword(db: Db, name: string, password: string): void {
  passwordSchema.parse(password);
  db.prepare('UPDATE users SET password_hash = ?, password_changed_at = ? WHERE name = ?').run(
    hashPassword(password),
    new Date().toISOString(),
    name,
  );
}

const DUMMY_HASH = hashPassword(generatePassword());

/**
 * First start: create `admin` with JETVM_ADMIN_PASSWORD, or a generated password that is returned
 * (for printing once). Returns null when users already exist.
 */
export function ensureAdmin(db: Db, configured: string | null): { name: string; generatedPassword: string | null } | null {
  const count = db.prepare('SELECT COUNT(*) FROM users').pluck().get() as number;
  if (count > 0) return null;
  const password = configured ?? generatePassword();
  createUser(db, 'admin', password, 'admin');
  return { name: 'admin', generatedPassword: configured ? null : password };
}
