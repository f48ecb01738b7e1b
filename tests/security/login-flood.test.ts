// Issue #13's audit flood replayed over HTTP: refused logins become one counted audit row per client
// and window, open tabs get coalesced live events, and logins are limited per account as well.
// Its own file (own process): the login limiter is per process and this test locks clients out.
import { describe, expect, it } from 'vitest';
import { COALESCE_MS } from '@/server/events';
import { ADMIN_PASSWORD, useTestServer } from './harness';

const server = useTestServer({ loginAdmin: true });

const login = (name: string, password: string, from?: string) =>
  server.raw('POST', '/api/trpc/auth.login', { from }, JSON.stringify({ json: { name, password } }));

/** Counts the live events an open tab (events.onChange over SSE) receives until stopped. */
function countLiveEvents(cookie: string): { stop: () => Promise<number> } {
  const ac = new AbortController();
  let count = 0;
  const done = (async () => {
    const res = await fetch(`${server.url}/api/trpc/events.onChange`, { headers: { cookie, origin: server.url, accept: 'text/event-stream' }, signal: ac.signal });
    const reader = res.body!.getReader();
    let text = '';
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) return;
      text += new TextDecoder().decode(value);
      const blocks = text.split('\n\n');
      text = blocks.pop()!;
      count += blocks.filter((b) => /^data: /m.test(b) && !/^event: (connected|ping)/m.test(b)).length;
    }
  })().catch(() => {});
  return { stop: async () => (ac.abort(), await done, count) };
}

describe('logins limited per account, whatever client they come from', () => {
  it('10 wrong passwords for one account from 10 addresses lock that account, even with the right password from an 11th', async () => {
    for (let i = 0; i < 10; i++) expect((await login('admin', `guess-${i}`, `127.0.0.${10 + i}`)).status).toBe(401);
    const locked = await login('admin', ADMIN_PASSWORD, '127.0.0.30');
    expect(locked.status).toBe(429);
    expect(locked.headers['set-cookie']).toBeUndefined();
    // another account from that client is not affected by the account lock
    expect((await login('nobody-else', 'x', '127.0.0.30')).status).toBe(401);
  });
});

describe('a flood of refused logins', () => {
  it('1,400 failed logins in batches: one counted row per client and result, and a bounded number of live events', async () => {
    const tab = countLiveEvents(server.admin);
    await new Promise((r) => setTimeout(r, 300));
    const auditBefore = server.rowCounts().audit_log;
    const started = Date.now();
    // a single batch of 1,400 is refused outright (the batch limit) and records nothing
    const all = Array.from({ length: 1400 }, (_, i) => i);
    const huge = await server.raw('POST', `/api/trpc/${all.map(() => 'auth.login').join(',')}?batch=1`, {}, JSON.stringify(Object.fromEntries(all.map((i) => [i, { json: { name: 'root', password: `p${i}` } }]))));
    expect(huge.status).toBe(400);
    expect(server.rowCounts().audit_log).toBe(auditBefore);
    // the same 1,400 attempts in batches of 16, 8 requests at a time
    const batches = Array.from({ length: 1400 / 16 + 1 }, (_, b) => all.slice(b * 16, b * 16 + 16)).filter((b) => b.length);
    for (let i = 0; i < batches.length; i += 8) {
      await Promise.all(
        batches.slice(i, i + 8).map((batch) =>
          server.raw('POST', `/api/trpc/${batch.map(() => 'auth.login').join(',')}?batch=1`, {}, JSON.stringify(Object.fromEntries(batch.map((n, j) => [j, { json: { name: 'root', password: `p${n}` } }])))),
        ),
      );
    }
    const elapsed = Date.now() - started;
    const rows = server.db
      .prepare("SELECT result, json_extract(detail, '$.attempts') AS attempts, json_extract(detail, '$.names') AS names FROM audit_log WHERE action = 'login' AND remote = '127.0.0.1' AND result <> 'ok' ORDER BY result")
      .all() as Array<{ result: string; attempts: number; names: string }>;
    expect(rows.map((r) => r.result)).toEqual(['error', 'refused']);
    expect(rows.reduce((n, r) => n + r.attempts, 0)).toBe(1400);
    expect(JSON.parse(rows[1]!.names)).toEqual(['root']);
    await new Promise((r) => setTimeout(r, COALESCE_MS * 2));
    const events = await tab.stop();
    // at most one event at the start of each coalescing window, and one trailing
    expect(events).toBeGreaterThanOrEqual(1);
    expect(events).toBeLessThanOrEqual(Math.ceil(elapsed / COALESCE_MS) + 2);
  });
});

describe('audit retention', () => {
  it('keeps at most JETVM_AUDIT_MAX_ROWS rows and nothing older than JETVM_AUDIT_MAX_DAYS', async () => {
    const { pruneAudit } = await import('@/server/db/audit');
    const insert = server.db.prepare("INSERT INTO audit_log (at, actor, remote, action, result) VALUES (?, 'x', NULL, 'test.old', 'ok')");
    insert.run(new Date(Date.now() - 40 * 86_400_000).toISOString());
    for (let i = 0; i < 150; i++) insert.run(new Date().toISOString());
    pruneAudit(server.db, { maxAgeDays: 30, maxRows: 100 });
    expect(server.rowCounts().audit_log).toBe(100);
    expect(server.db.prepare('SELECT MIN(at) FROM audit_log').pluck().get() as string > new Date(Date.now() - 30 * 86_400_000).toISOString()).toBe(true);
  });
});
