import type { ReactNode } from 'react';
import type { FormIssue } from './form-errors';

/** a text box of its own width (add a w-… class) */
export const INPUT_BASE = 'rounded border px-2 py-1 text-sm disabled:bg-slate-100';
export const INPUT = `w-full ${INPUT_BASE}`;
export const inputTone = (bad: boolean) => (bad ? 'border-red-400 bg-red-50/40' : 'border-slate-300');
export const SMALL_BTN = 'rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100';

/** `list`: the field is a list of rows, so its hint goes above them rather than after the last one. */
export function Field({ label, hint, issues, children, htmlFor, list }: { label: string; hint?: ReactNode; issues: FormIssue[]; children: ReactNode; htmlFor?: string; list?: boolean }) {
  return (
    <div className="space-y-1">
      <label htmlFor={htmlFor} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {list && hint && <p className="text-xs text-slate-500">{hint}</p>}
      {children}
      {!list && hint && <p className="text-xs text-slate-500">{hint}</p>}
      {issues.map((i, n) => (
        <p key={n} className="text-xs text-red-700" data-testid="field-error">
          {i.item ? `${i.item}: ` : ''}
          {i.message}
        </p>
      ))}
    </div>
  );
}

