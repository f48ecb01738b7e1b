'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/lib/trpc';
import { FindingList, SEVERITY_TONE } from '@/components/ui/finding-list';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Notice } from '@/components/ui/notice';
import { Loading, PageTitle } from '@/components/ui/page-state';
import { hostSizeText, PREFLIGHT_RAM_MIB as RAM } from '@/common/host-size';

const SUMMARY = {
  ok: 'ready to pass devices through',
  info: 'ready to pass devices through',
  warning: 'works, with the warnings below',
  error: 'not ready: fix the failed items first',
} as const;

export function PreflightView() {
  const trpc = useTRPC();
  // null: the figure the server chose (the largest VM passing devices through), until the user types one
  const [ramText, setRamText] = useState<string | null>(null);
  const typedMiB = ramText === null ? undefined : Number(ramText);
  const valid = typedMiB === undefined || (Number.isInteger(typedMiB) && typedMiB >= RAM.min && typedMiB <= RAM.max);
  const preflight = useQuery({ ...trpc.passthrough.preflight.queryOptions(valid && typedMiB !== undefined ? { guestRamMiB: typedMiB } : {}), placeholderData: keepPreviousData });
  const chosen = preflight.data?.guestRam;
  return (
    <div className="space-y-4">
      <PageTitle sub="Is this machine ready to give PCIe devices to a guest? Each item says what was found, why it matters and how to fix it.">Preflight</PageTitle>
      <label className="flex flex-wrap items-center gap-2 text-sm">
        <span className="text-slate-700">Largest guest RAM (MiB), for the locked-memory check</span>
        <input
          type="number"
          min={RAM.min}
          max={RAM.max}
          step={1}
          value={ramText ?? (chosen ? String(chosen.mib) : '')}
          onChange={(e) => setRamText(e.target.value)}
          aria-invalid={!valid}
          data-testid="preflight-ram"
          className="w-28 rounded border border-slate-300 px-2 py-1"
        />
        {ramText === null && chosen && (
          <span className="text-slate-500" data-testid="preflight-ram-from">
            {chosen.vm === null ? `no VM passes devices through yet: a ${chosen.mib} MiB guest assumed` : `the largest VM that passes devices through: ${chosen.vm} (vfio pins all its RAM)`}
          </span>
        )}
        {!valid && <span className="text-red-700">a whole number from {RAM.min} to {RAM.max}</span>}
      </label>
      {preflight.isLoading && <Loading what="the preflight checks" />}
      {preflight.error && (
        <Notice tone="bad" alert title="Could not run the preflight checks">
          {preflight.error.message}
        </Notice>
      )}
      {preflight.data && (
        <Card testId="preflight-host">
          <CardHeader title="This host" />
          <CardBody>
            <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
              <dt className="text-slate-500">Size</dt>
              <dd data-testid="preflight-host-size">
                {hostSizeText(preflight.data.host)}: a VM may have up to {preflight.data.host.maxVcpus} vCPUs and {preflight.data.host.maxMemoryMiB} MiB
                {preflight.data.host.memoryBytes !== null && ` (${preflight.data.host.reserveMiB} MiB stay for the host)`}
              </dd>
              <dt className="text-slate-500">L4T release</dt>
              <dd data-testid="preflight-l4t">{preflight.data.host.l4tRelease ?? 'unknown (no /etc/nv_tegra_release)'}</dd>
              <dt className="text-slate-500">Kernel command line</dt>
              <dd className="font-mono text-xs break-all" data-testid="preflight-cmdline">
                {preflight.data.host.kernelCmdline ?? 'could not read /proc/cmdline'}
              </dd>
            </dl>
          </CardBody>
        </Card>
      )}
      {preflight.data && (
        <Card testId="preflight">
          <CardHeader
            title="Checks"
            aside={
              <Badge tone={SEVERITY_TONE[preflight.data.summary]} testId="preflight-summary">
                {preflight.data.summary}: {SUMMARY[preflight.data.summary]}
              </Badge>
            }
          />
          <CardBody>
            <FindingList findings={preflight.data.items} testIdPrefix="preflight" testId="preflight-items" titled />
          </CardBody>
        </Card>
      )}
    </div>
  );
}
