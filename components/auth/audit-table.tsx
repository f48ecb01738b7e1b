'use client';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc';
import { Badge } from '@/components/ui/badge';
import type { Tone } from '@/components/ui/tone';
import { errorText } from '@/common/errors';
import { LocalTime } from '@/components/ui/local-time';
import { isTranscriptId, transcriptUrl } from '@/common/shell-transcripts';
import { AuditWaiting } from './audit-waiting';

const RESULT_TONE: Record<string, Tone> = { ok: 'ok', error: 'bad', refused: 'warn' };

function detailText(detail: unknown): string {
  if (detail === null || detail === undefined) return '';
  const text = typeof detail === 'string' ? detail : JSON.stringify(detail);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** A host shell session's transcript (kept like a console log), linked from its audit rows. */
function transcriptId(detail: unknown): string | null {
  const id = (detail as { transcript?: unknown } | null)?.transcript;
  return isTranscriptId(id) ? id : null;
}

/** The link to a row's transcript (none without one); one retention deleted says so instead of linking to nothing. */
function TranscriptLink({ id, states }: { id: string | null; states: Record<string, string> | undefined }) {
  if (id === null) return null;
  const state = states?.[id];
  if (state === 'deleted' || state === 'missing') {
    return (
      <span className="ml-2 text-slate-500 italic" data-testid="transcript-gone">
        {state === 'deleted' ? 'transcript deleted by retention' : 'transcript missing'}
      </span>
    );
  }
  return (
    <a className="ml-2 text-sky-700 underline" href={transcriptUrl(id)} download>
      transcript
    </a>
  );
}

/** Newest first, pageSize at a time; refetched live when an entry is added (LiveUpdates). */
export function AuditTable({ pageSize }: { pageSize: number }) {
  const trpc = useTRPC();
  const log = useInfiniteQuery(trpc.audit.list.infiniteQueryOptions({ limit: pageSize }, { getNextPageParam: (page) => page.nextCursor }));
  const rows = log.data?.pages.flatMap((p) => p.items) ?? [];
  const tids = new Map(rows.map((r) => [r.id, transcriptId(r.detail)]));
  const ids = [...new Set([...tids.values()].filter((id): id is string => id !== null))];
  const transcripts = useQuery(trpc.shell.transcripts.queryOptions({ ids }, { enabled: ids.length > 0 }));
  if (log.error) return <p className="text-bad">{errorText(log.error)}</p>;
  return (
    <div className="space-y-3">
      <AuditWaiting count={log.data?.pages[0]?.waiting ?? 0} />
      <table className="w-full text-left text-sm" data-testid="audit-table">
        <thead className="text-slate-500">
          <tr>
            <th className="py-1 pr-3 font-normal">When</th>
            <th className="py-1 pr-3 font-normal">Who</th>
            <th className="py-1 pr-3 font-normal">From</th>
            <th className="py-1 pr-3 font-normal">Action</th>
            <th className="py-1 pr-3 font-normal">Target</th>
            <th className="py-1 pr-3 font-normal">Result</th>
            <th className="py-1 font-normal">Detail</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} className="border-t border-slate-100 align-top">
              <td className="py-1 pr-3 whitespace-nowrap text-slate-500" title={r.at}>
                <LocalTime at={r.at} />
              </td>
              <td className="py-1 pr-3">{r.actor ?? '—'}</td>
              <td className="py-1 pr-3 font-mono text-xs">{r.remote ?? '—'}</td>
              <td className="py-1 pr-3 font-mono text-xs">{r.action}</td>
              <td className="py-1 pr-3 font-mono text-xs">{r.target ?? ''}</td>
              <td className="py-1 pr-3">
                <Badge tone={RESULT_TONE[r.result] ?? 'neutral'}>{r.result}</Badge>
              </td>
              <td className="py-1 font-mono text-xs break-all text-slate-600">
                {detailText(r.detail)}
                <TranscriptLink id={tids.get(r.id) ?? null} states={transcripts.data} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {log.hasNextPage && (
        <button className="rounded border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100" disabled={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
          {log.isFetchingNextPage ? 'Loading…' : 'Older entries'}
        </button>
      )}
      {!log.isLoading && rows.length === 0 && <p className="text-slate-500">Nothing recorded yet.</p>}
    </div>
  );
}
