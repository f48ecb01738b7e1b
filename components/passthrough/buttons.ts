import type { PlanKind } from '@/server/passthrough/types';

// The button looks and words every passthrough control shares.
export const primaryButton = 'rounded bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-50';
export const dangerButton = 'rounded bg-red-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-600 disabled:opacity-50';
export const secondaryButton = 'rounded border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50 disabled:opacity-50';
export const smallButton = 'rounded border border-slate-300 bg-white px-2 py-1 text-xs font-medium text-slate-800 hover:bg-slate-50';

/** What each change is called on its buttons and in its dialog. */
export const VERB: Record<PlanKind, string> = { bind: 'Pass through', release: 'Return to host' };
