// One colour language for every page: red = stop, amber = careful, green = good, slate = neutral.
export type Tone = 'bad' | 'warn' | 'ok' | 'info' | 'unknown' | 'neutral';

export const toneText: Record<Tone, string> = {
  bad: 'text-red-700',
  warn: 'text-amber-700',
  ok: 'text-green-700',
  info: 'text-sky-700',
  unknown: 'text-slate-600',
  neutral: 'text-slate-600',
};

export const tonePanel: Record<Tone, string> = {
  bad: 'border-red-500 bg-red-50 text-red-900',
  warn: 'border-amber-300 bg-amber-50 text-amber-900',
  ok: 'border-green-300 bg-green-50 text-green-900',
  info: 'border-sky-200 bg-sky-50 text-sky-900',
  unknown: 'border-slate-300 bg-slate-50 text-slate-800',
  neutral: 'border-slate-200 bg-white text-slate-800',
};

export const toneBadge: Record<Tone, string> = {
  bad: 'bg-red-600 text-white',
  warn: 'bg-amber-500 text-black',
  ok: 'bg-green-600 text-white',
  info: 'bg-sky-100 text-sky-900',
  unknown: 'bg-slate-200 text-slate-800',
  neutral: 'bg-slate-100 text-slate-700',
};

export const toneFill: Record<Tone, string> = {
  bad: '#dc2626',
  warn: '#f59e0b',
  ok: '#16a34a',
  info: '#0284c7',
  unknown: '#94a3b8',
  neutral: '#cbd5e1',
};
