'use client';
import { AdminOnly } from '@/components/auth/admin-only';
import { AuditTable } from '@/components/auth/audit-table';
import { Card, CardBody } from '@/components/ui/card';
import { PageTitle } from '@/components/ui/page-state';

export default function AuditPage() {
  return (
    <div className="space-y-4">
      <PageTitle sub="Logins, passthrough, VM starts and stops, console and shell sessions, user changes: who, when, from where, and how it ended.">
        Audit log
      </PageTitle>
      <AdminOnly what="Reading the audit log">
        <Card>
          <CardBody>
            <AuditTable />
          </CardBody>
        </Card>
      </AdminOnly>
    </div>
  );
}
