/** Entries a full disk keeps waiting in memory (server/db/audit.ts auditQueue): not in the table below yet. */
export function AuditWaiting({ count }: { count: number }) {
  if (count <= 0) return null;
  return (
    <p className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" role="status" data-testid="audit-waiting">
      {count === 1 ? '1 entry' : `${count} entries`} waiting for disk space: the data directory&apos;s file system is full; they are written once space returns.
    </p>
  );
}
