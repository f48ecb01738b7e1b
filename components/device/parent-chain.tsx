import Link from 'next/link';
import type { DeviceView } from '@/server/overview/device';
import { Mono } from '@/components/ui/facts';

const KIND = { pci: 'PCI bridge', 'host-bridge': 'host bridge', platform: 'platform controller', other: 'device' } as const;

/** This device, then each parent up to the platform controller. */
export function ParentChain({ view }: { view: DeviceView }) {
  return (
    <ol className="space-y-1 text-sm" data-testid="parents">
      <li>
        <Mono>{view.summary.address}</Mono> <span className="text-slate-500">(this device)</span>
      </li>
      {view.parents.map((p) => (
        <li key={p.name} className="pl-3">
          <span aria-hidden className="mr-1 text-slate-400">
            ↑
          </span>
          {p.isPci ? (
            <Link href={`/devices/${p.name}`} className="underline-offset-2 hover:underline">
              <Mono>{p.name}</Mono>
            </Link>
          ) : (
            <Mono>{p.name}</Mono>
          )}{' '}
          <span className="text-slate-500">
            {KIND[p.kind]}
            {p.driver ? `, driver ${p.driver}` : ''}
          </span>
        </li>
      ))}
    </ol>
  );
}
