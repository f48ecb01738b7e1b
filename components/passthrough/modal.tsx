'use client';
import { useEffect, useRef, type ReactNode } from 'react';

/** A native modal <dialog>: focus trap, Escape and the backdrop come from the browser. */
export function Modal({ title, onClose, children, footer, testId }: { title: ReactNode; onClose: () => void; children: ReactNode; footer?: ReactNode; testId?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      aria-label={typeof title === 'string' ? title : undefined}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      className="m-auto flex max-h-[90vh] w-[min(56rem,95vw)] flex-col rounded-lg border border-slate-300 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/50"
    >
      <header className="flex items-start gap-3 border-b border-slate-200 px-5 py-3">
        <h2 className="min-w-0 flex-1 text-lg font-semibold">{title}</h2>
        <button type="button" onClick={onClose} className="rounded px-2 text-xl leading-none text-slate-500 hover:bg-slate-100" aria-label="Close this dialog">
          ×
        </button>
      </header>
      <div className="min-h-0 flex-1 space-y-4 overflow-y-auto px-5 py-4">{children}</div>
      {footer && <footer className="flex flex-wrap items-center justify-end gap-2 border-t border-slate-200 px-5 py-3">{footer}</footer>}
    </dialog>
  );
}
