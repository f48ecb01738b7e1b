'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc';
import { ChangePasswordForm } from '@/components/auth/change-password-form';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Facts } from '@/components/ui/facts';
import { PageTitle } from '@/components/ui/page-state';

export default function AccountPage() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  return (
    <div className="space-y-4">
      <PageTitle>Account</PageTitle>
      <Card>
        <CardHeader title="You" />
        <CardBody>
          <Facts
            rows={[
              ['User', me.data?.name],
              ['Role', me.data?.role],
              ['Session', 'ends 12 hours after login, or after 2 hours without activity'],
            ]}
          />
        </CardBody>
      </Card>
      <Card>
        <CardHeader title="Change password" sub="At least 8 characters. Other browsers logged in as you are logged out." />
        <CardBody>
          <ChangePasswordForm />
        </CardBody>
      </Card>
    </div>
  );
}
