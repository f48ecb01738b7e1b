'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '@/lib/trpc';
import { DeviceDetails } from '@/components/device/device-details';
import { Notice } from '@/components/ui/notice';
import { Loading } from '@/components/ui/page-state';
import { errorDataOf } from '@/common/errors';

/** A device's page, or why there is none (an address the scan does not know, or not a PCI address at all). */
export function DeviceView({ address }: { address: string }) {
  const trpc = useTRPC();
  const device = useQuery({ ...trpc.host.device.queryOptions({ address }), retry: false });
  if (device.isLoading) return <Loading what={`device ${address}`} />;
  if (device.error || !device.data) {
    const data = errorDataOf(device.error);
    const gone = data?.code === 'NOT_FOUND' || data?.code === 'BAD_REQUEST';
    return (
      <Notice tone={gone ? 'unknown' : 'bad'} alert title={gone ? 'No such device' : 'Could not read the device'} testId="no-such-device">
        <p>
          {data?.code === 'BAD_REQUEST'
            ? `"${address}" ${data.issues?.map((i) => i.message).join('; ') ?? 'is not a PCI address'}.`
            : (device.error?.message ?? `There is no PCI device ${address} on this host.`)}
        </p>
        <p className="mt-1">
          <Link href="/" className="underline">
            Back to the overview
          </Link>
        </p>
      </Notice>
    );
  }
  return <DeviceDetails view={device.data} />;
}
