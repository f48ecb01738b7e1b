import type { InputHTMLAttributes } from 'react';

/** A labelled input, so tests and screen readers find it by its label. */
export function Field({ label, ...input }: { label: string } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <label className="block text-sm">
      <span className="text-slate-700">{label}</span>
      <input className="mt-1 w-full rounded border border-slate-300 px-3 py-1.5" {...input} />
    </label>
  );
}
