/**
 * A fresh id for one host change, to follow its progress. crypto.randomUUID exists only in secure
 * contexts, and the dashboard is often opened over plain HTTP on the LAN; getRandomValues works in both.
 */
export function newOperationId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return 'op-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
