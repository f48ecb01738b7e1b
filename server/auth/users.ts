import { z } from 'zod';
import type { Db } from '../db';
import { generatePassword, hashPassword, verifyPassword } from './passwords';
import { DomainError } from '../errors';

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

/** A rule about users was broken (unknown user, duplicate name, last admin, …); the message says which. */
export class UserRuleError extends DomainError {
  readonly code = 'user-rule';
  constructor(
    readonly kind: 'not-found' | 'conflict' | 'forbidden',
    message: string,
  ) {
    super(message);
    this.name = 'UserRuleError';
  }
}

export function findUser(db: Db, name: string): User | null {
  const row = db.prepare('SELECT name, role FROM users WHERE name = ?').get(name) as User | undefined;
  return row ?? null;
}

export interface UserRow extends User {
  createdAt: string;
  passwordChangedAt: string;
}

export function listUsers(db: Db): UserRow[] {
  return db
    .prepare('SELECT name, role, created_at AS createdAt, password_changed_at AS passwordChangedAt FROM users ORDER BY name')
    .all() as UserRow[];
}

function requireUser(db: Db, name: string): User {
  const user = findUser(db, name);
  if (!user) throw new UserRuleError('not-found', `there is no user "${name}"`);
  return user;
}

function adminCount(db: Db): number {
  return db.prepare("SELECT COUNT(*) FROM users WHERE role = 'admin'").pluck().get() as number;
}

export function createUser(db: Db, name: string, password: string, role: Role): User {
  userNameSchema.parse(name);
  passwordSchema.parse(password);
  roleSchema.parse(role);
  if (findUser(db, name)) throw new UserRuleError('conflict', `the user "${name}" already exists`);
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

export async function checkCredentials(db: Db, name: string, password: string): Promise<User | null> {
  const row = db.prepare('SELECT name, role, password_hash FROM users WHERE name = ?').get(name) as
    | (User & { password_hash: string })
    | undefined;
  if (!row) {
    // spend the same time as a real check so user names cannot be probed by timing
    await verifyPassword(password, dummyHash());
    return null;
  }
  return (await verifyPassword(password, row.password_hash)) ? { name: row.name, role: row.role } : null;
}

export function setPassword(db: Db, name: string, password: string): void {
  passwordSchema.parse(password);
  requireUser(db, name);
  db.prepare('UPDATE users SET password_hash = ?, password_changed_at = ? WHERE name = ?').run(
    hashPassword(password),
    new Date().toISOString(),
    name,
  );
}

/** Changes a user's role; the last admin cannot be demoted (nobody could manage users any more). */
export function setRole(db: Db, name: string, role: Role): User {
  roleSchema.parse(role);
  return db.transaction(() => {
    const user = requireUser(db, name);
    if (user.role === 'admin' && role !== 'admin' && adminCount(db) <= 1) {
      throw new UserRuleError('conflict', `"${name}" is the last admin: make another user admin first`);
    }
    db.prepare('UPDATE users SET role = ? WHERE name = ?').run(role, name);
    return { name, role };
  })();
}

/** Deletes a user and (by cascade) their sessions. Nobody deletes themself, and the last admin stays. */
export function deleteUser(db: Db, name: string, actor: string): void {
  db.transaction(() => {
    const user = requireUser(db, name);
    if (name === actor) throw new UserRuleError('forbidden', 'you cannot delete yourself: ask another admin');
    if (user.role === 'admin' && adminCount(db) <= 1) throw new UserRuleError('conflict', `"${name}" is the last admin`);
    db.prepare('DELETE FROM users WHERE name = ?').run(name);
  })();
}

/**
 * A hash of a random password, checked against when the user does not exist so both answers take
 * as long. Not state: any such hash does, once made it never changes, and dashboards may share it.
 * Made on first use, not at import: scrypt costs tens of ms.
 */
let dummy: string | null = null;
const dummyHash = (): string => (dummy ??= hashPassword(generatePassword()));

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
