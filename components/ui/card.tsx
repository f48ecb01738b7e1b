import type { ReactNode } from 'react';

export function Card({ children, className = '', id, testId }: { children: ReactNode; className?: string; id?: string; testId?: string }) {
  return (
    <section id={id} data-testid={testId} className={`scroll-mt-4 rounded-lg border border-slate-200 bg-white shadow-sm ${className}`}>
      {children}
    </section>
  );
}

export function CardHeader({ title, aside, sub }: { title: ReactNode; aside?: ReactNode; sub?: ReactNode }) {
  return (
    <header className="flex flex-wrap items-start gap-x-3 gap-y-1 border-b border-slate-100 px-4 py-3">
      <div className="min-w-0 flex-1">
        <h2 className="font-semibold text-slate-900">{title}</h2>
        {sub && <p className="text-xs text-slate-500">{sub}</p>}
      </div>
      {aside && <div className="flex flex-wrap items-center gap-1.5">{aside}</div>}
    </header>
  );
}

export function CardBody({ children, className = '' }: { children: ReactNode; className?: string }) {
  return <div className={`space-y-3 px-4 py-3 ${className}`}>{children}</div>;
}
