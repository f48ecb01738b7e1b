// DNS rebinding defence: a request counts only when its Host header names this server. A page at
// http://evil.example:3000 whose name an attacker re-points at the Jetson sends Host: evil.example,
// and is answered 421 before any handler (so its Origin, equal to that Host, never passes either).
import os from 'node:os';
import type { IncomingMessage } from 'node:http';

/** The host part of a Host header ("[::1]:3000" → "::1", "Name:80" → "name"); null when malformed. */
export function hostName(header: string | undefined): string | null {
  if (!header || header.length > 300) return null;
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+))(?::\d{1,5})?$/.exec(header);
  if (!m) return null;
  return (m[1] ?? m[2]).toLowerCase().replace(/\.$/, '');
}

/** The names this machine answers to: localhost, its host name (and .local), every interface address. */
export function machineHostNames(): string[] {
  const host = os.hostname().toLowerCase();
  const names = new Set(['localhost', '127.0.0.1', '::1', host, `${host}.local`]);
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) names.add(a.address.replace(/%.*$/, '').toLowerCase());
  return [...names];
}

/** JETVM_ALLOWED_HOSTS (comma-separated names or addresses), or the machine's own names. */
export function parseAllowedHosts(raw: string | undefined): string[] {
  if (!raw?.trim()) return machineHostNames();
  const list = raw.split(',').map((h) => h.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1')).filter(Boolean);
  for (const h of list) if (!/^[a-z0-9.:-]+$/.test(h)) throw new Error(`JETVM_ALLOWED_HOSTS: ${JSON.stringify(h)} is not a host name or address`);
  return list;
}

export function isAllowedHost(req: IncomingMessage, allowed: readonly string[]): boolean {
  const name = hostName(req.headers.host);
  return name !== null && allowed.includes(name);
}

export const MISDIRECTED = 'Misdirected Request: this server does not answer to that host name (see JETVM_ALLOWED_HOSTS)\n';
