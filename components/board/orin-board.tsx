// The Jetson AGX Orin devkit drawn from above (with the full-size slot on its side, under the
// magnetic cover) and from below (the two M.2 sockets). Each slot links to its card on the page.
import type { SlotCard, SlotState } from '@/server/overview/overview';
import { toneFill } from '@/components/ui/tone';

const STATE_FILL: Record<SlotState, string> = {
  empty: '#334155',
  host: '#38bdf8',
  vfio: '#22c55e',
  vm: '#a78bfa',
  none: '#94a3b8',
  bridge: '#94a3b8',
};

const STATE_WORDS: Record<SlotState, string> = {
  empty: 'empty',
  host: 'host driver',
  vfio: 'vfio-pci',
  vm: 'in use by a VM',
  none: 'no driver',
  bridge: 'bridge',
};

interface Placement {
  x: number;
  y: number;
  w: number;
  h: number;
  label: string;
  /** where the caption goes */
  tx: number;
  ty: number;
}

// Positions in the 560×300 drawing: x8 along the top view's right side, M.2 sockets on the underside view.
const PLACES: Record<string, Placement> = {
  x8: { x: 262, y: 62, w: 22, h: 176, label: 'PCIe x8', tx: 273, ty: 256 },
  m2e: { x: 356, y: 84, w: 44, h: 66, label: 'M.2 E', tx: 378, ty: 168 },
  m2m: { x: 440, y: 84, w: 44, h: 150, label: 'M.2 M', tx: 462, ty: 252 },
};

function Slot({ card, place }: { card: SlotCard; place: Placement }) {
  const powerTone = card.power?.verdict?.tone;
  const stroke = powerTone && powerTone !== 'ok' ? toneFill[powerTone] : '#e2e8f0';
  const device = card.devices[0];
  const title = `${card.name}: ${device ? `${device.name} (${STATE_WORDS[card.state]})` : 'empty'}${card.power?.verdict ? ` — ${card.power.verdict.label}` : ''}`;
  return (
    <a href={`#slot-${card.id}`} aria-label={title} data-testid={`board-slot-${card.id}`} className="group cursor-pointer">
      <title>{title}</title>
      <rect
        x={place.x}
        y={place.y}
        width={place.w}
        height={place.h}
        rx={4}
        fill={STATE_FILL[card.state]}
        stroke={stroke}
        strokeWidth={powerTone === 'bad' ? 4 : powerTone === 'warn' || powerTone === 'unknown' ? 3 : 1.5}
        className="transition-opacity group-hover:opacity-80"
      />
      {/* contact rows, so a socket reads as a socket */}
      {Array.from({ length: Math.floor(place.h / 12) }, (_, i) => (
        <line key={i} x1={place.x + 6} x2={place.x + place.w - 6} y1={place.y + 8 + i * 12} y2={place.y + 8 + i * 12} stroke="#0f172a" strokeOpacity={0.35} strokeWidth={2} />
      ))}
      <text x={place.tx} y={place.ty} textAnchor="middle" className="fill-slate-100 text-[13px] font-semibold group-hover:underline">
        {place.label}
      </text>
    </a>
  );
}

export function OrinBoard({ slots }: { slots: SlotCard[] }) {
  return (
    <svg viewBox="0 0 560 300" role="img" aria-label="Jetson AGX Orin Developer Kit and its PCIe slots" className="w-full rounded-lg bg-slate-900" data-testid="orin-board">
      {/* top view: the devkit's case with its fan */}
      <text x={140} y={26} textAnchor="middle" className="fill-slate-400 text-[12px]">
        top view
      </text>
      <rect x={30} y={40} width={224} height={220} rx={20} fill="#1e293b" stroke="#475569" strokeWidth={2} />
      <circle cx={142} cy={150} r={72} fill="#0f172a" stroke="#475569" strokeWidth={2} />
      {Array.from({ length: 7 }, (_, i) => {
        const a = (i * 2 * Math.PI) / 7;
        return <path key={i} d={`M142 150 Q ${142 + 60 * Math.cos(a + 0.5)} ${150 + 60 * Math.sin(a + 0.5)} ${142 + 66 * Math.cos(a)} ${150 + 66 * Math.sin(a)}`} stroke="#334155" strokeWidth={6} fill="none" />;
      })}
      <circle cx={142} cy={150} r={18} fill="#1e293b" />
      <text x={142} y={154} textAnchor="middle" className="fill-slate-300 text-[10px] font-semibold">
        AGX Orin
      </text>
      {/* front ports along the bottom edge */}
      {[52, 78, 104, 160, 186].map((x) => (
        <rect key={x} x={x} y={250} width={18} height={8} rx={1} fill="#64748b" />
      ))}
      {/* the magnetic cover on the side, lifted off to show the slot */}
      <rect x={254} y={52} width={40} height={196} rx={6} fill="none" stroke="#64748b" strokeDasharray="5 4" />
      <text x={306} y={150} textAnchor="middle" transform="rotate(90 306 150)" className="fill-slate-400 text-[11px]">
        side, under the magnetic cover
      </text>

      {/* underside view */}
      <text x={420} y={26} textAnchor="middle" className="fill-slate-400 text-[12px]">
        underside
      </text>
      <rect x={330} y={40} width={180} height={220} rx={16} fill="#1e293b" stroke="#475569" strokeWidth={2} strokeDasharray="8 4" />
      {slots.map((s) => (PLACES[s.id] ? <Slot key={s.id} card={s} place={PLACES[s.id]} /> : null))}

      {/* legend */}
      {(['host', 'vfio', 'vm', 'empty'] as const).map((st, i) => (
        <g key={st} transform={`translate(${36 + i * 128} 284)`}>
          <rect width={12} height={12} y={-10} rx={2} fill={STATE_FILL[st]} />
          <text x={18} className="fill-slate-300 text-[11px]">
            {STATE_WORDS[st]}
          </text>
        </g>
      ))}
    </svg>
  );
}
