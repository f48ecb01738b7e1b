'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '@/lib/trpc';
import { GroupCard } from '@/components/groups/group-card';
import { GroupChangeButtons } from './group-change-buttons';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Mono } from '@/components/ui/facts';
import { Notice } from '@/components/ui/notice';
import { Loading, PageTitle } from '@/components/ui/page-state';
import { primaryButton } from './buttons';
import { OverlayDetails } from './overlay-view';
import { useIsAdmin } from './use-is-admin';

/**
 * Sim mode: "install" the overlay and reboot the simulated Orin, as a person would on the real one.
 * The reboot applies an overlay for exactly the controllers it is given, so the ones already applied go along.
 */
function SimulatedReboot({ controllers, applied }: { controllers: string[]; applied: string[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const admin = useIsAdmin();
  const reboot = useMutation(trpc.passthrough.applyOverlayAndReboot.mutationOptions({ onSuccess: () => void queryClient.invalidateQueries() }));
  return (
    <Card testId="overlay-simulate">
      <CardHeader title="Try it on the simulated Orin" sub="The simulated board boots again with the overlay applied, as the real one would after the steps above. Every VM must be stopped." />
      <CardBody>
        {admin ? (
          <button type="button" className={primaryButton} disabled={reboot.isPending} onClick={() => reboot.mutate({ controllers: [...new Set([...applied, ...controllers])].sort() })}>
            {reboot.isPending ? 'Rebooting the simulated Orin…' : 'Apply overlay and reboot (simulated)'}
          </button>
        ) : (
          <p className="text-sm text-slate-600">Only an admin can reboot the simulated Orin.</p>
        )}
        {reboot.error && (
          <Notice tone="bad" alert title="Not rebooted">
            {reboot.error.message}
          </Notice>
        )}
      </CardBody>
    </Card>
  );
}

/** The overlay the group of `address` needs, and the group as it is now (it changes after the reboot). */
export function OverlayForDevice({ address }: { address: string }) {
  const trpc = useTRPC();
  const overlay = useQuery({ ...trpc.passthrough.overlayFor.queryOptions({ address }), retry: false });
  const device = useQuery({ ...trpc.host.device.queryOptions({ address }), retry: false });
  const simOverlay = useQuery(trpc.passthrough.simOverlay.queryOptions());
  const groups = useQuery(trpc.host.groups.queryOptions());
  const error = overlay.error ?? device.error;
  if (error) return <Notice tone="bad" alert title="No overlay for this address">{error.message}</Notice>;
  if (overlay.isLoading || device.isLoading || !device.data) return <Loading what="the overlay" />;
  const group = groups.data?.groups.find((g) => g.id === device.data.group?.id);
  const applied = simOverlay.data?.controllers ?? null;
  const controllers = overlay.data?.targets.map((t) => t.platformDevice) ?? [];
  return (
    <div className="space-y-4">
      <PageTitle
        sub={
          <>
            For {device.data.summary.name} (<Mono>{address}</Mono>): a platform device in its IOMMU group keeps the group from ever being viable;
            ACS overrides do not help, the device tree has to change.
          </>
        }
      >
        Device-tree overlay
      </PageTitle>
      {overlay.data === null && (
        <Notice tone="ok" title="No overlay needed" testId="overlay-not-needed">
          <p>
            The IOMMU group of {address} holds no platform device.{' '}
            <Link href={`/devices/${address}`} className="underline">
              Pass it through from its page
            </Link>
            .
          </p>
        </Notice>
      )}
      {group && <GroupCard group={group} actions={<GroupChangeButtons group={group} />} />}
      {overlay.data && (
        <>
          <OverlayDetails overlay={overlay.data} />
          {applied && controllers.length > 0 && <SimulatedReboot controllers={controllers} applied={applied} />}
        </>
      )}
    </div>
  );
}
