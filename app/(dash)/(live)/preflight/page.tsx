import { PreflightView } from '@/components/passthrough/preflight-view';
import { prefetch, Prefetched, serverTrpc } from '@/lib/trpc-server';

/** The guest RAM the locked-memory check assumes until the user types another figure. */
const GUEST_RAM_MIB = 1024;

export default async function PreflightPage() {
  const trpc = await serverTrpc();
  await prefetch(trpc.passthrough.preflight.queryOptions({ guestRamMiB: GUEST_RAM_MIB }));
  return (
    <Prefetched>
      <PreflightView initialRamMiB={GUEST_RAM_MIB} />
    </Prefetched>
  );
}
