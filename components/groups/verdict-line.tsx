import type { GroupVerdict } from '@/server/overview/group-verdict';
import { toneText } from '@/components/ui/tone';

const ICON = { bad: '✖', warn: '▲', ok: '✔', info: '●' } as const;

/** The verdict sentence, coloured, with any further findings below it. */
export function VerdictLine({ verdict }: { verdict: GroupVerdict }) {
  return (
    <div data-testid="group-verdict" data-kind={verdict.kind}>
      <p className={`font-medium ${toneText[verdict.tone]}`}>
        <span aria-hidden className="mr-1">
          {ICON[verdict.tone]}
        </span>
        {verdict.text}
      </p>
      {verdict.details.map((d) => (
        <p key={d} className="text-xs text-slate-600">
          also: {d}
        </p>
      ))}
    </div>
  );
}
