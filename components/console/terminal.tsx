'use client';
// xterm.js 6 bound to a terminal WebSocket. Loaded only through lazy-terminal.tsx (next/dynamic,
// ssr: false), so pages without a terminal never download xterm.
import '@xterm/xterm/css/xterm.css';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { WebglAddon } from '@xterm/addon-webgl';
import { Terminal as XTerm } from '@xterm/xterm';
import { useEffect, useRef, useState } from 'react';
import { copyText } from '@/components/ui/copy-text';
import { SearchBar } from './search-bar';
import { initialSocketState, TerminalSocket, type SocketState } from './terminal-socket';
import { TerminalToolbar } from './terminal-toolbar';

export interface TerminalProps {
  /** the WebSocket path: /ws/console/<vm> or /ws/shell */
  wsPath: string;
  /** what Reconnect / Start a new shell does instead of reopening wsPath (the host shell asks for the password again) */
  onReconnect?: () => void;
  kind: 'console' | 'shell';
  /** "Download log" link (console) */
  downloadHref?: string;
  testId?: string;
}

/** The visible text of the whole buffer (scrollback included), one line per row. */
function bufferText(term: XTerm): string {
  const buf = term.buffer.active;
  const lines: string[] = [];
  for (let i = 0; i < buf.length; i++) {
    const line = buf.getLine(i);
    if (!line) continue;
    const text = line.translateToString(true);
    if (line.isWrapped && lines.length) lines[lines.length - 1] += text;
    else lines.push(text);
  }
  return lines.join('\n');
}

function loadRenderer(term: XTerm): 'webgl' | 'dom' {
  try {
    const webgl = new WebglAddon();
    webgl.onContextLoss(() => webgl.dispose()); // back to the DOM renderer
    term.loadAddon(webgl);
    return 'webgl';
  } catch {
    return 'dom'; // no WebGL (headless browsers, some VMs): xterm's DOM renderer
  }
}

export function Terminal({ wsPath, kind, downloadHref, testId = 'terminal', onReconnect }: TerminalProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const termRef = useRef<XTerm | null>(null);
  const socketRef = useRef<TerminalSocket | null>(null);
  const searchRef = useRef<SearchAddon | null>(null);
  const [state, setState] = useState<SocketState>(initialSocketState);
  const [renderer, setRenderer] = useState<'webgl' | 'dom' | null>(null);
  const [searching, setSearching] = useState(false);

  useEffect(() => {
    const host = hostRef.current!;
    const term = new XTerm({
      cursorBlink: true,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
      fontSize: 13,
      scrollback: 50_000,
      theme: { background: '#0b1020', foreground: '#e2e8f0', selectionBackground: '#334155' },
      allowProposedApi: true, // the search addon's match decorations
    });
    const fit = new FitAddon();
    const search = new SearchAddon();
    term.loadAddon(fit);
    term.loadAddon(search);
    term.open(host);
    setRenderer(loadRenderer(term));
    termRef.current = term;
    searchRef.current = search;
    // for tests and scripts: the text xterm holds, whichever renderer draws it
    Object.assign(host, { readTerminalText: () => bufferText(term) });

    const socket = new TerminalSocket(wsPath, term, setState);
    socketRef.current = socket;
    term.onData((d) => socket.sendInput(d));
    term.attachCustomKeyEventHandler((ev) => {
      if (ev.type !== 'keydown') return true;
      const key = ev.key.toLowerCase();
      if ((ev.ctrlKey || ev.metaKey) && !ev.shiftKey && key === 'f') {
        ev.preventDefault();
        setSearching(true);
        return false;
      }
      if (ev.ctrlKey && ev.shiftKey && key === 'c') {
        ev.preventDefault();
        void copyText(term.getSelection());
        return false;
      }
      // Ctrl+Shift+V: let the browser paste into xterm's textarea (xterm handles the paste event)
      if (ev.ctrlKey && ev.shiftKey && key === 'v') return false;
      return true;
    });

    const refit = () => {
      try {
        fit.fit();
      } catch {
        return; // not laid out yet
      }
      if (kind === 'shell') socket.resize(term.cols, term.rows);
    };
    const observer = new ResizeObserver(refit);
    observer.observe(host);
    refit();
    term.onResize(({ cols, rows }) => kind === 'shell' && socket.resize(cols, rows));

    return () => {
      observer.disconnect();
      socket.dispose();
      term.dispose();
      termRef.current = null;
      socketRef.current = null;
    };
  }, [wsPath, kind]);

  useEffect(() => {
    if (termRef.current) termRef.current.options.disableStdin = state.readOnly;
  }, [state.readOnly]);

  // the shell learns its size as soon as it is connected
  useEffect(() => {
    const term = termRef.current;
    if (kind === 'shell' && term && state.phase === 'live') socketRef.current?.resize(term.cols, term.rows);
  }, [kind, state.phase]);

  const paste = async () => {
    const text = await navigator.clipboard?.readText?.().catch(() => null);
    if (text) termRef.current?.paste(text);
    else termRef.current?.focus(); // no clipboard access (plain HTTP): Ctrl+Shift+V still pastes
  };

  return (
    <div className="overflow-hidden rounded-lg border border-slate-700 bg-[#0b1020]" data-testid={`${testId}-frame`}>
      <TerminalToolbar
        kind={kind}
        state={state}
        renderer={renderer}
        downloadHref={downloadHref}
        onSearch={() => setSearching((s) => !s)}
        onCopy={() => termRef.current && void copyText(termRef.current.getSelection())}
        onPaste={() => void paste()}
        onReconnect={onReconnect ?? (() => socketRef.current?.reconnectNow())}
      />
      {searching && searchRef.current && (
        <SearchBar
          search={searchRef.current}
          onClose={() => {
            setSearching(false);
            termRef.current?.focus();
          }}
        />
      )}
      <div ref={hostRef} data-testid={testId} data-phase={state.phase} data-read-only={state.readOnly ? 'true' : 'false'} className="h-[28rem] px-1 py-1" />
    </div>
  );
}
