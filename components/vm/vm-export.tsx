'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/lib/trpc';

function download(filename: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The VM as a shell script (the QEMU command for the Jetson) or as libvirt domain XML, downloaded as a file. */
export function VmExport({ name }: { name: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fetchAndSave = async (kind: 'script' | 'xml') => {
    setBusy(true);
    setError(null);
    try {
      if (kind === 'script') download(`${name}.sh`, await queryClient.fetchQuery({ ...trpc.vms.exportScript.queryOptions({ name }), staleTime: 0 }), 'text/x-shellscript');
      else download(`${name}.xml`, await queryClient.fetchQuery({ ...trpc.vms.exportXml.queryOptions({ name }), staleTime: 0 }), 'application/xml');
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const btn = 'rounded border border-slate-300 px-2.5 py-1 text-sm text-slate-800 hover:bg-slate-100 disabled:opacity-40';
  return (
    <div className="space-y-1">
      <div className="flex flex-wrap gap-1.5">
        <button className={btn} onClick={() => void fetchAndSave('script')} disabled={busy}>
          Download shell script
        </button>
        <button className={btn} onClick={() => void fetchAndSave('xml')} disabled={busy}>
          Download libvirt XML
        </button>
      </div>
      {error && (
        <p role="alert" className="text-xs text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
