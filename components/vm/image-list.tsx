'use client';
// The image directory: what is there (format, size, base of an overlay), and for admins: import a
// distribution's image, make a thin overlay on a base, a new empty disk, or grow one.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/lib/trpc';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Mono } from '@/components/ui/facts';
import { INPUT_BASE, SMALL_BTN } from './form-field';

const GiB = 1024 ** 3;
const gib = (b: number) => (b < GiB ? `${Math.round(b / 1024 ** 2)} MiB` : `${(b / GiB).toFixed(1)} GiB`);
type Action = 'import' | 'overlay' | 'create' | 'resize';

export function ImageList({ admin }: { admin: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const q = useQuery(trpc.vms.images.queryOptions());
  const [action, setAction] = useState<Action>('import');
  const [a, setA] = useState('');
  const [b, setB] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const done = {
    onSuccess: (info: { name: string; path: string }) => {
      setMessage({ ok: true, text: `${info.name} ready: ${info.path}` });
      setA('');
      setB('');
      void qc.invalidateQueries();
    },
    onError: (e: { message: string }) => setMessage({ ok: false, text: e.message }),
  };
  const imp = useMutation(trpc.vms.imageImport.mutationOptions(done));
  const ov = useMutation(trpc.vms.imageOverlay.mutationOptions(done));
  const mk = useMutation(trpc.vms.imageCreate.mutationOptions(done));
  const rs = useMutation(trpc.vms.imageResize.mutationOptions(done));
  const run = () => {
    setMessage(null);
    if (action === 'import') imp.mutate({ source: a.trim(), name: b.trim() });
    if (action === 'overlay') ov.mutate({ base: a.trim(), name: b.trim() });
    if (action === 'create') mk.mutate({ name: a.trim(), sizeGiB: Number(b) });
    if (action === 'resize') rs.mutate({ name: a.trim(), sizeGiB: Number(b) });
  };
  const labels: Record<Action, [string, string, string]> = {
    import: ['Source file', 'Name', 'copies a raw or qcow2 image (e.g. debian-12-genericcloud-arm64.qcow2) into the directory'],
    overlay: ['Base image', 'Name', 'a thin qcow2 on a base: each VM writes only its own overlay, the base stays untouched'],
    create: ['Name', 'Size (GiB)', 'a new empty disk (qcow2 grows as it fills)'],
    resize: ['Image', 'New size (GiB)', 'grow an image no running VM uses; grow the guest\'s partition afterwards'],
  };
  const busy = imp.isPending || ov.isPending || mk.isPending || rs.isPending;
  return (
    <Card testId="images">
      <CardHeader title="Disk images" sub={q.data ? `in ${q.data.dir}` : 'the image directory'} />
      <CardBody className="space-y-3">
        {q.data && q.data.images.length === 0 && <p className="text-sm text-slate-500">No images yet.</p>}
        {q.data && q.data.images.length > 0 && (
          <table className="w-full text-sm" data-testid="image-list">
            <tbody>
              {q.data.images.map((i) => (
                <tr key={i.path} data-testid={`image-${i.name}`} className="border-t border-slate-100">
                  <td className="py-1 pr-2"><Mono>{i.name}</Mono></td>
                  <td className="pr-2">{i.format}</td>
                  <td className="pr-2">{gib(i.virtualBytes)} ({gib(i.fileBytes)} used)</td>
                  <td className="text-xs text-slate-500">{i.backing ? `overlay on ${i.backing}` : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {admin && (
          <div className="flex flex-wrap items-end gap-2 text-sm" data-testid="image-action">
            <select aria-label="Image action" className="rounded border border-slate-300 px-1 py-1" value={action} onChange={(e) => setAction(e.target.value as Action)}>
              <option value="import">Import</option>
              <option value="overlay">Overlay</option>
              <option value="create">New disk</option>
              <option value="resize">Grow</option>
            </select>
            <input aria-label={labels[action][0]} placeholder={labels[action][0]} className={`${INPUT_BASE} w-72 border-slate-300 font-mono`} value={a} onChange={(e) => setA(e.target.value)} />
            <input aria-label={labels[action][1]} placeholder={labels[action][1]} className={`${INPUT_BASE} w-40 border-slate-300`} value={b} onChange={(e) => setB(e.target.value)} />
            <button type="button" className={SMALL_BTN} disabled={busy} onClick={run}>{busy ? 'working…' : 'Go'}</button>
            <p className="w-full text-xs text-slate-500">{labels[action][2]}</p>
          </div>
        )}
        {message && <p role={message.ok ? 'status' : 'alert'} className={`text-sm ${message.ok ? 'text-emerald-800' : 'text-red-800'}`} data-testid="image-message">{message.text}</p>}
      </CardBody>
    </Card>
  );
}
