'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/lib/trpc';
import type { BootFile, BootMethod } from '@/server/passthrough/boot';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Mono } from '@/components/ui/facts';
import { Notice } from '@/components/ui/notice';
import { primaryButton, secondaryButton } from './buttons';
import { useIsAdmin } from './use-is-admin';

// the order of the choice; the labels' keys keep it in step with the server's methods
const METHOD_LABEL: Record<BootMethod, string> = {
  udev: 'udev rule: these exact slots',
  modprobe: 'modprobe.d: every card with these IDs',
};

function Files({ files, testId }: { files: BootFile[]; testId: string }) {
  return (
    <ul className="space-y-2" data-testid={testId}>
      {files.map((f) => (
        <li key={f.path}>
          <p className="text-sm">
            <Mono>{f.path}</Mono> <span className="text-slate-500">— {f.purpose}</span>
          </p>
          <pre className="mt-1 overflow-x-auto rounded bg-slate-900 p-2 text-xs text-slate-100">{f.content}</pre>
        </li>
      ))}
    </ul>
  );
}

function PathList({ title, paths, testId }: { title: string; paths: string[]; testId: string }) {
  if (paths.length === 0) return null;
  return (
    <div data-testid={testId}>
      <p className="font-medium">{title}</p>
      <ul className="list-disc pl-5 font-mono text-xs break-all">
        {paths.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
    </div>
  );
}

/** Bind at boot for the group of `address`: the files a Jetson needs, written or taken away on request. */
export function BootPanel({ address }: { address: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const admin = useIsAdmin();
  const [method, setMethod] = useState<BootMethod>('udev');
  const preview = useQuery({ ...trpc.passthrough.bootPreview.queryOptions({ address, method }), retry: false });
  const current = useQuery(trpc.passthrough.bootConfig.queryOptions());
  const refresh = { onSuccess: () => void queryClient.invalidateQueries() };
  const add = useMutation(trpc.passthrough.bootAdd.mutationOptions(refresh));
  const remove = useMutation(trpc.passthrough.bootRemove.mutationOptions(refresh));
  const bound = current.data?.devices.some((d) => d.address === address) ?? false;
  const error = add.error ?? remove.error;

  return (
    <Card id="boot" testId="boot-panel">
      <CardHeader
        title="Bind at boot"
        sub="So the group goes to vfio-pci on every boot, before its host driver takes it."
        aside={<Badge tone={bound ? 'ok' : 'neutral'} testId="boot-state">{bound ? 'bound at boot' : 'not bound at boot'}</Badge>}
      />
      <CardBody>
        <fieldset className="flex flex-wrap gap-4 text-sm">
          <legend className="sr-only">How</legend>
          {(Object.keys(METHOD_LABEL) as BootMethod[]).map((m) => (
            <label key={m} className="flex items-center gap-1.5">
              <input type="radio" name={`boot-method-${address}`} checked={method === m} onChange={() => setMethod(m)} />
              {METHOD_LABEL[m]}
            </label>
          ))}
        </fieldset>
        {preview.error && (
          <Notice tone="bad" alert>
            {preview.error.message}
          </Notice>
        )}
        {preview.data && (
          <>
            <Files files={preview.data.files} testId="boot-files" />
            <ul className="list-disc space-y-0.5 pl-5 text-xs text-slate-700" data-testid="boot-notes">
              {preview.data.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
            <details className="text-sm">
              <summary className="cursor-pointer select-none text-slate-700">The other way ({method === 'udev' ? METHOD_LABEL.modprobe : METHOD_LABEL.udev}), not written</summary>
              <div className="mt-2">
                <Files files={preview.data.alternative} testId="boot-alternative" />
              </div>
            </details>
          </>
        )}
        {bound && current.data && !add.data && <PathList title="jetvm wrote:" paths={current.data.files} testId="boot-written" />}
        {admin && (
          <div className="flex flex-wrap gap-2">
            <button type="button" className={primaryButton} disabled={add.isPending || !preview.data} onClick={() => add.mutate({ address, method })}>
              {bound ? 'Write the files again' : 'Bind at boot'}
            </button>
            {bound && (
              <button type="button" className={secondaryButton} disabled={remove.isPending} onClick={() => remove.mutate({ address })}>
                Stop binding at boot
              </button>
            )}
          </div>
        )}
        {add.data && !add.isPending && (
          <Notice tone="ok" testId="boot-result">
            <PathList title={`Written (${add.data.config.method}):`} paths={add.data.written} testId="boot-result-written" />
          </Notice>
        )}
        {remove.data && !remove.isPending && (
          <Notice tone={remove.data.removal.keptModified.length ? 'warn' : 'ok'} testId="boot-result">
            <PathList title="Removed:" paths={remove.data.removal.removed} testId="boot-result-removed" />
            <PathList title="Rewritten for the devices still bound at boot:" paths={remove.data.written} testId="boot-result-rewritten" />
            <PathList title="Left in place (edited since jetvm wrote it):" paths={remove.data.removal.keptModified} testId="boot-result-kept" />
          </Notice>
        )}
        {error && (
          <Notice tone="bad" alert>
            {error.message}
          </Notice>
        )}
      </CardBody>
    </Card>
  );
}
