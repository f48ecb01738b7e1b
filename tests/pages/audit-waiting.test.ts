// The audit page's line for entries a full disk keeps waiting (audit.list `waiting`; the router side is
// in tests/security/disk-full-login.test.ts, which needs a real full tmpfs).
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { AuditWaiting } from '@/components/auth/audit-waiting';

const html = (count: number) => renderToStaticMarkup(createElement(AuditWaiting, { count }));

describe('AuditWaiting', () => {
  it('says how many entries wait for disk space, and nothing when none do', () => {
    expect(html(3)).toContain('3 entries waiting for disk space');
    expect(html(1)).toContain('1 entry waiting for disk space');
    expect(html(0)).toBe('');
  });
});
