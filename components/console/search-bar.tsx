'use client';
import type { SearchAddon } from '@xterm/addon-search';
import { useEffect, useRef, useState } from 'react';

const DECORATIONS = {
  matchBackground: '#854d0e',
  matchOverviewRuler: '#eab308',
  activeMatchBackground: '#ca8a04',
  activeMatchColorOverviewRuler: '#facc15',
};

/** Find in the scrollback (Ctrl+F): Enter for the next match, Shift+Enter for the previous, Escape to close. */
export function SearchBar({ search, onClose }: { search: SearchAddon; onClose: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [term, setTerm] = useState('');
  const [found, setFound] = useState<boolean | null>(null);
  useEffect(() => input.current?.focus(), []);
  useEffect(() => () => search.clearDecorations(), [search]);

  const find = (backwards: boolean, incremental = false) => {
    if (!term) return setFound(null);
    const opts = { decorations: DECORATIONS, incremental };
    setFound(backwards ? search.findPrevious(term, opts) : search.findNext(term, opts));
  };

  return (
    <div className="flex items-center gap-2 border-b border-slate-700 bg-slate-900 px-2 py-1 text-xs text-slate-200">
      <label htmlFor="terminal-search" className="text-slate-400">
        Find
      </label>
      <input
        id="terminal-search"
        ref={input}
        value={term}
        onChange={(e) => setTerm(e.target.value)}
        onKeyUp={(e) => e.key.length === 1 && find(false, true)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') find(e.shiftKey);
          if (e.key === 'Escape') onClose();
        }}
        className="w-64 rounded border border-slate-600 bg-slate-800 px-2 py-0.5 text-slate-100"
        placeholder="text in the scrollback"
      />
      <button className="rounded border border-slate-600 px-2 py-0.5 hover:bg-slate-700" onClick={() => find(true)}>
        Previous
      </button>
      <button className="rounded border border-slate-600 px-2 py-0.5 hover:bg-slate-700" onClick={() => find(false)}>
        Next
      </button>
      {found === false && <span className="text-amber-400">not found</span>}
      <button className="ml-auto rounded px-2 py-0.5 text-slate-400 hover:bg-slate-700" onClick={onClose} aria-label="Close search">
        ✕
      </button>
    </div>
  );
}
