'use client';
import { useState } from 'react';
import { copyText } from '@/components/ui/copy-text';
import { shellQuote } from '@/common/shell-quote';

/** A QEMU argv as a copy-pasteable shell command, one option and its value per line. */
export function formatArgv(argv: string[]): string {
  const lines: string[] = [];
  for (const arg of argv) {
    if (lines.length === 0 || arg.startsWith('-')) lines.push(shellQuote(arg));
    else lines[lines.length - 1] += ` ${shellQuote(arg)}`;
  }
  return lines.join(' \\\n  ');
}

export function ArgvBlock({ title, argv, notes, testId }: { title: string; argv: string[]; notes?: string[]; testId: string }) {
  const [copied, setCopied] = useState(false);
  const text = formatArgv(argv);
  return (
    <div className="space-y-1">
      <div className="flex items-center gap-2">
        <h3 className="text-sm font-semibold text-slate-800">{title}</h3>
        <button
          className="rounded border border-slate-300 px-1.5 py-0.5 text-xs hover:bg-slate-100"
          onClick={() => void copyText(argv.map(shellQuote).join(' ')).then(() => setCopied(true))}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <pre className="overflow-x-auto rounded bg-slate-900 p-3 text-xs leading-relaxed text-slate-100" data-testid={testId}>
        {text}
      </pre>
      {notes && notes.length > 0 && (
        <ul className="list-disc space-y-0.5 pl-5 text-xs text-slate-600">
          {notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
