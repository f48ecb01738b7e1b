import { AdminOnly } from '@/components/auth/admin-only';
import { AuditTable } from '@/components/auth/audit-table';
import { Card, CardBody } from '@/components/ui/card';
import { PageTitle } from '@/components/ui/page-state';
import { prefetch, Prefetched, serverTrpc } from '@/lib/trpc-server';

const PAGE_SIZE = 50;

export default async function AuditPage() {
  const trpc = await serverTrpc();
  // a viewer's request is refused (admins only) and sends nothing
  await prefetch(trpc.audit.list.infiniteQueryOptions({ limit: PAGE_SIZE }, { getNextPageParam: (page) => page.nextCursor }));
  return (
    <div className="space-y-4">
      <PageTitle sub="Logins, passthrough, VM starts and stops, console and shell sessions, user changes: who, when, from where, and how it ended.">
        Audit log
      </PageTitle>
      <AdminOnly what="Reading the audit log">
        <Card>
          <CardBody>
            <Prefetched>
              <AuditTable pageSize={PAGE_SIZE} />
            </Prefetched>
          </CardBody>
        </Card>
      </AdminOnly>
    </div>
  );
}
