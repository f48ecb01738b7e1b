import type { StepRecord } from '@/server/passthrough/apply';
import type { SysfsWrite } from '@/server/passthrough/types';

export type StepResult = StepRecord['result'];

/** Plan paths are relative to the sysfs root; people read them as absolute paths. */
export const absolute = (p: string) => (p.startsWith('/') ? p : `/${p}`);

/** What an unanswered write is: still to come, or never made because an earlier one failed. */
export type Unanswered = 'waiting' | 'skipped';

function Status({ result, unanswered }: { result: StepResult | undefined; unanswered?: Unanswered }) {
  if (result?.ok) return <span className="font-medium text-green-700">✔ done</span>;
  if (result) return <span className="font-medium text-red-700">✖ {result.errno ?? 'error'}: {result.message ?? 'write failed'}</span>;
  if (unanswered === 'waiting') return <span className="text-slate-500">waiting…</span>;
  return unanswered === 'skipped' ? <span className="text-slate-500">not written: an earlier write failed</span> : null;
}

/**
 * The sysfs writes in order, as `path ← value`, each with why it is done. With `results` (by step,
 * 1-based) each line also says what the kernel answered, and `unanswered` what the others are.
 */
export function WriteList({ writes, results, unanswered, testId }: { writes: SysfsWrite[]; results?: Map<number, StepResult>; unanswered?: Unanswered; testId?: string }) {
  return (
    <ol className="space-y-1.5" data-testid={testId}>
      {writes.map((w, i) => {
        const result = results?.get(i + 1);
        return (
          <li
            key={i}
            data-testid="write"
            data-state={result ? (result.ok ? 'ok' : 'failed') : (unanswered ?? 'planned')}
            className={`grid grid-cols-[2rem_1fr] gap-x-2 rounded border px-2 py-1.5 text-sm ${result && !result.ok ? 'border-red-300 bg-red-50' : 'border-slate-200'}`}
          >
            <span className="pt-0.5 text-right font-mono text-xs text-slate-500">{i + 1}.</span>
            <div className="min-w-0">
              <p className="font-mono text-[0.8rem] break-all">
                <span className="text-slate-900">{absolute(w.path)}</span> <span className="text-slate-400">←</span>{' '}
                <span className="font-semibold text-sky-800">{JSON.stringify(w.value)}</span>
              </p>
              <p className="text-xs text-slate-600">
                {w.value === '' ? 'empty write: ' : ''}
                {w.why}
              </p>
              {(result || unanswered) && (
                <p className="text-xs" data-testid="write-result">
                  <Status result={result} unanswered={unanswered} />
                </p>
              )}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
