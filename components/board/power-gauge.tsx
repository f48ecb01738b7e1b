import type { SlotPower } from '@/server/overview/slot-power';
import { Badge } from '@/components/ui/badge';
import { toneFill, tonePanel, toneText } from '@/components/ui/tone';
import { CardPowerForm } from './card-power-form';
import { PowerControls } from './power-controls';

const HEADLINE = {
  bad: 'Over this slot\u2019s power budget',
  warn: 'At the limit of this slot\u2019s power budget',
  ok: 'Within this slot\u2019s power budget',
  unknown: 'Power draw unknown',
} as const;

/** A bar from 0 W to the desktop slot's 75 W (or the card's draw, if higher), with the slot budget marked. */
function GaugeBar({ watts, budgetW, desktopW, fill }: { watts: number | null; budgetW: number; desktopW: number; fill: string }) {
  const scale = Math.max(desktopW, watts ?? 0);
  const pct = (w: number) => `${(w / scale) * 100}%`;
  return (
    <div className="relative mt-6 mb-7 h-4 rounded-full bg-slate-200" aria-hidden>
      {watts !== null ? (
        <div className="h-4 rounded-full" style={{ width: pct(watts), background: fill }} />
      ) : (
        <div className="h-4 rounded-full border-2 border-dashed border-slate-400" />
      )}
      {[
        { w: budgetW, label: `slot ${budgetW} W`, strong: true },
        { w: desktopW, label: `desktop ${desktopW} W`, strong: false },
      ].map((m) => (
        <div key={m.label} className="absolute -top-5 -bottom-5" style={{ left: pct(m.w) }}>
          <div className={`absolute top-3 bottom-3 w-0.5 ${m.strong ? 'bg-slate-900' : 'bg-slate-400'}`} />
          <span className={`absolute -top-1.5 text-[11px] whitespace-nowrap ${m.w >= scale ? '-translate-x-full' : '-translate-x-1/2'} ${m.strong ? 'font-semibold text-slate-900' : 'text-slate-500'}`}>
            {m.label}
          </span>
        </div>
      ))}
      <span className="absolute top-6 left-0 text-[11px] text-slate-500">0 W</span>
    </div>
  );
}

/** The slot's power budget against the card's draw; admins can enter or change the card's figure. Rendered on the server. */
export function PowerGauge({ power, isAdmin }: { power: SlotPower; isAdmin: boolean }) {
  const { verdict, card } = power;

  if (!card || !verdict) {
    return (
      <div data-testid="power-gauge" data-tone="empty" className={`rounded-md border p-3 ${tonePanel.neutral}`}>
        <p className="font-semibold">Power budget: {power.budgetW} W</p>
        <p className="text-sm text-slate-600">No card in the slot. Before you fit one, check its maximum board power: this slot gives {power.budgetW} W, a desktop slot {power.desktopW} W.</p>
        {power.budgetSource && <p className="text-xs text-slate-600">Slot budget {power.budgetW} W: {power.budgetSource}</p>}
        <Guidance items={power.guidance} />
      </div>
    );
  }

  const tone = verdict.tone;
  const info = power.power;
  return (
    <div data-testid="power-gauge" data-tone={tone} className={`rounded-md border-2 p-3 ${tonePanel[tone]}`}>
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <span className={`text-3xl font-bold tabular-nums ${toneText[tone]}`} data-testid="power-watts">
          {verdict.watts === null ? '? W' : `${verdict.watts} W`}
        </span>
        <span className="text-sm text-slate-600">of {verdict.budgetW} W</span>
        <Badge tone={tone} testId="power-label">
          {tone === 'bad' ? '⚠ ' : ''}
          {verdict.label}
        </Badge>
      </div>
      <p className={`mt-1 font-semibold ${toneText[tone]}`}>{HEADLINE[tone]}</p>
      <p role={tone === 'bad' ? 'alert' : undefined} className="text-sm" data-testid="power-reason">
        <span className="font-medium">{card.name}</span> — {verdict.reason}
      </p>
      <GaugeBar watts={verdict.watts} budgetW={verdict.budgetW} desktopW={power.desktopW} fill={toneFill[tone]} />
      {info?.source && (
        <p className="text-xs text-slate-600">
          Figure: {info.origin === 'user' ? 'entered here' : info.unverified ? 'built-in table, unverified' : 'built-in table'} — {info.source}
          {info.origin === 'user' && info.builtinWatts !== null && ` (table says ${info.builtinWatts} W)`}
        </p>
      )}
      {power.budgetSource && (
        <p className="text-xs text-slate-600" data-testid="power-budget-source">
          Slot budget {power.budgetW} W: {power.budgetSource}
        </p>
      )}
      {tone === 'unknown' &&
        (isAdmin ? (
          <div className="mt-2">
            <p className="mb-1 text-sm">jetvm does not know {card.vendorDevice}. Look up the card&apos;s maximum board power (datasheet) and enter it:</p>
            <CardPowerForm vendorDevice={card.vendorDevice} initialWatts={null} />
          </div>
        ) : (
          <p className="mt-2 text-sm">Ask an admin to enter the card&apos;s maximum power.</p>
        ))}
      {tone !== 'unknown' && isAdmin && (
        <PowerControls vendorDevice={card.vendorDevice} watts={verdict.watts} userFigure={info?.origin === 'user'} builtinWatts={info?.builtinWatts ?? null} />
      )}
      <Guidance items={power.guidance} />
    </div>
  );
}

function Guidance({ items }: { items: string[] }) {
  return (
    <ul className="mt-3 list-disc space-y-0.5 pl-5 text-xs text-slate-700">
      {items.map((g) => (
        <li key={g}>{g}</li>
      ))}
    </ul>
  );
}
