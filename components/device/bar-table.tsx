import type { BarView } from '@/server/overview/format';
import { Badge } from '@/components/ui/badge';

export function BarTable({ bars, testId }: { bars: BarView[]; testId: string }) {
  return (
    <table className="w-full text-left text-sm" data-testid={testId}>
      <thead className="text-xs text-slate-500">
        <tr>
          <th className="py-1 pr-3 font-normal">region</th>
          <th className="py-1 pr-3 font-normal">size</th>
          <th className="py-1 pr-3 font-normal">type</th>
          <th className="py-1 font-normal">address range</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {bars.map((b) => (
          <tr key={b.index}>
            <td className="py-1 pr-3 font-medium whitespace-nowrap">{b.label}</td>
            <td className="py-1 pr-3 tabular-nums whitespace-nowrap">{b.size}</td>
            <td className="py-1 pr-3">
              <span className="flex flex-wrap gap-1">
                <Badge tone={b.space === 'I/O' ? 'info' : 'neutral'}>{b.space}</Badge>
                {b.attributes.map((a) => (
                  <Badge key={a}>{a}</Badge>
                ))}
              </span>
            </td>
            <td className="py-1 font-mono text-xs text-slate-600">
              {b.start}–{b.end}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
