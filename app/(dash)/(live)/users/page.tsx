import { AdminOnly } from '@/components/auth/admin-only';
import { CreateUserForm } from '@/components/auth/create-user-form';
import { UsersTable } from '@/components/auth/users-table';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { PageTitle } from '@/components/ui/page-state';
import { prefetch, Prefetched, serverTrpc } from '@/lib/trpc-server';

export default async function UsersPage() {
  const trpc = await serverTrpc();
  await prefetch(trpc.users.list.queryOptions());
  return (
    <div className="space-y-4">
      <PageTitle sub="Viewers see everything and watch consoles; admins also pass devices through, run VMs, type into consoles and the host shell, and manage users.">
        Users
      </PageTitle>
      <AdminOnly what="Managing users">
        <Card>
          <CardHeader title="Create a user" />
          <CardBody>
            <CreateUserForm />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Everyone who can log in" sub="The last admin cannot be demoted or deleted, and nobody can delete themself." />
          <CardBody>
            <Prefetched>
              <UsersTable />
            </Prefetched>
          </CardBody>
        </Card>
      </AdminOnly>
    </div>
  );
}
