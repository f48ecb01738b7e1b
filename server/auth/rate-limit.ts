/**
 * Login attempts per client: 5 failures in a row lock the client out, the lock doubling from 30 s
 * (JETVM_LOGIN_LOCK_SECONDS) up to 15 min; a success resets it. In memory: a restart forgets, which only helps a legitimate user.
 */
export class LoginLimiter {
  private state = new Map<string, { failures: number; lockedUntil: number }>();
  constructor(
    private readonly freeFailures = 5,
    private readonly baseLockMs = 30_000,
    private readonly maxLockMs = 15 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  retryAfter(key: string): number {
    const s = this.state.get(key);
    return s ? Math.max(0, s.lockedUntil - this.now()) : 0;
  }

  fail(key: string): void {
    const s = this.state.get(key) ?? { failures: 0, lockedUntil: 0 };
    s.failures += 1;
    if (s.failures >= this.freeFailures) {
      const lock = Math.min(this.maxLockMs, this.baseLockMs * 2 ** (s.failures - this.freeFailures));
      s.lockedUntil = this.now() + lock;
    }
    this.state.set(key, s);
    if (this.state.size > 10_000) this.state.delete(this.state.keys().next().value as string);
  }

  succeed(key: string): void {
    this.state.delete(key);
  }
}

/**
 * The two limits on password attempts (logins, the host shell's re-check), both in Services:
 * per client address (loginLimiter) and per account name whatever client they come from
 * (accountLimiter: more free failures and a shorter ceiling, so an attacker can slow an account's
 * logins down but not lock its owner out for long).
 */
export interface LoginLimiters {
  loginLimiter: LoginLimiter;
  accountLimiter: LoginLimiter;
}

/** The per-account limiter: 10 free failures, then the lock window doubling up to 5 min. */
export const accountLimiterFor = (lockMs: number): LoginLimiter => new LoginLimiter(10, lockMs, 5 * 60_000);

/** How long an attempt from this client for this account must wait, in ms; 0 when it may try. */
export function loginWait(l: LoginLimiters, client: string, account: string): number {
  return Math.max(l.loginLimiter.retryAfter(client), l.accountLimiter.retryAfter(account.toLowerCase()));
}

export function loginFailed(l: LoginLimiters, client: string, account: string): void {
  l.loginLimiter.fail(client);
  l.accountLimiter.fail(account.toLowerCase());
}

export function loginSucceeded(l: LoginLimiters, client: string, account: string): void {
  l.loginLimiter.succeed(client);
  l.accountLimiter.succeed(account.toLowerCase());
}

/** What a client that must wait is told (logins, the host shell's password). */
export const lockedOutMessage = (waitMs: number): string => `too many failed attempts; try again in ${Math.ceil(waitMs / 1000)} s`;
