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
