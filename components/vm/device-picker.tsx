'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc';
import { Badge } from '@/components/ui/badge';
import { Mono } from '@/components/ui/facts';
import { StateBadge } from '@/components/device/state-badge';
import { VerdictLine } from '@/components/groups/verdict-line';

/**
 * Endpoints to pass through, chosen from the host's IOMMU groups. Picking one endpoint takes its whole
 * group along (every PCI endpoint of it; bridges and platform devices stay with the host), so the other
 * members are shown as "goes along" rather than as separate choices the user could leave out.
 */
export function DevicePicker({ value, onChange, invalid }: { value: string[]; onChange: (v: string[]) => void; invalid?: boolean }) {
  const trpc = useTRPC();
  const groups = useQuery(trpc.host.groups.queryOptions());
  const toggle = (address: string, on: boolean) => onChange(on ? [...value, address].sort() : value.filter((a) => a !== address));

  if (groups.isLoading) return <p className="text-sm text-slate-500">Reading the host&apos;s IOMMU groups…</p>;
  if (groups.error || !groups.data) return <p className="text-sm text-red-700">Could not read the IOMMU groups: {groups.error?.message}</p>;

  const known = new Set<string>();
  const withEndpoints = groups.data.groups.filter((g) => g.members.some((m) => m.kind === 'pci' && !m.isBridge));
  for (const g of withEndpoints) for (const m of g.members) known.add(m.name);
  for (const d of groups.data.groupless) known.add(d.address);
  const missing = value.filter((a) => !known.has(a));

  return (
    <div className={`space-y-2 rounded-md border p-2 ${invalid ? 'border-red-400' : 'border-slate-200'}`} data-testid="device-picker">
      {withEndpoints.length === 0 && groups.data.groupless.length === 0 && <p className="text-sm text-slate-500">This host has no PCI endpoints to pass through.</p>}
      {withEndpoints.map((g) => {
        const endpoints = g.members.filter((m) => m.kind === 'pci' && !m.isBridge);
        const picked = endpoints.filter((m) => value.includes(m.name));
        const stays = g.members.filter((m) => m.kind !== 'pci' || m.isBridge);
        return (
          <fieldset key={g.id} className={`rounded border px-3 py-2 ${picked.length ? 'border-sky-300 bg-sky-50/50' : 'border-slate-200'}`} data-testid={`pick-group-${g.id}`}>
            <legend className="px-1 text-sm font-medium text-slate-800">
              IOMMU group {g.id}
              {g.slot && <span className="font-normal text-slate-500"> · {g.slot.name}</span>}
            </legend>
            <div className="text-xs">
              <VerdictLine verdict={g.verdict} />
            </div>
            <ul className="mt-1 space-y-1">
              {endpoints.map((m) => {
                const checked = value.includes(m.name);
                const along = !checked && picked.length > 0;
                return (
                  <li key={m.name} className="flex flex-wrap items-center gap-2 text-sm">
                    <label className="flex min-w-0 flex-1 items-center gap-2">
                      <input type="checkbox" checked={checked} onChange={(e) => toggle(m.name, e.target.checked)} aria-label={`pass ${m.name}`} />
                      <Mono>{m.name}</Mono>
                      <span className="min-w-0 truncate">{m.label}</span>
                    </label>
                    {along && <Badge tone="info">goes along: same group</Badge>}
                    {m.state && <StateBadge state={m.state} />}
                  </li>
                );
              })}
            </ul>
            {stays.length > 0 && (
              <p className="mt-1 text-xs text-slate-500">
                stays with the host: {stays.map((m) => `${m.name} (${m.label})`).join(', ')}
              </p>
            )}
          </fieldset>
        );
      })}
      {groups.data.groupless.length > 0 && (
        <fieldset className="rounded border border-slate-200 px-3 py-2">
          <legend className="px-1 text-sm font-medium text-slate-800">No IOMMU group yet</legend>
          <ul className="space-y-1">
            {groups.data.groupless
              .filter((d) => !d.isBridge)
              .map((d) => (
                <li key={d.address} className="text-sm">
                  <label className="flex items-center gap-2">
                    <input type="checkbox" checked={value.includes(d.address)} onChange={(e) => toggle(d.address, e.target.checked)} aria-label={`pass ${d.address}`} />
                    <Mono>{d.address}</Mono>
                    <span className="min-w-0 truncate">{d.name}</span>
                  </label>
                  <p className="pl-6 text-xs text-slate-500">{d.note}</p>
                </li>
              ))}
          </ul>
        </fieldset>
      )}
      {missing.map((a) => (
        <label key={a} className="flex items-center gap-2 text-sm text-amber-800">
          <input type="checkbox" checked onChange={() => toggle(a, false)} aria-label={`pass ${a}`} />
          <Mono>{a}</Mono> is not on this host now (removed, or the card is not seated)
        </label>
      ))}
      <p className="text-xs text-slate-500">
        {value.length === 0 ? 'No device picked: the guest gets no passed-through device.' : `Picked ${value.join(', ')}; every endpoint of their IOMMU groups goes to the guest with them.`}
      </p>
    </div>
  );
}
