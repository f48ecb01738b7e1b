import type { ReactNode } from 'react';

export function Loading({ what }: { what: string }) {
  return <p className="py-8 text-slate-500">Reading {what}…</p>;
}

export function PageTitle({ children, sub }: { children: ReactNode; sub?: ReactNode }) {
  return (
    <div className="mb-4">
      <h1 className="text-2xl font-semibold tracking-tight">{children}</h1>
      {sub && <p className="text-sm text-slate-500">{sub}</p>}
    </div>
  );
}
