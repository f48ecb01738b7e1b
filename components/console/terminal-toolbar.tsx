'use client';
import type { SocketState } from './terminal-socket';

const PHASE_TEXT: Record<SocketState['phase'], string> = {
  connecting: 'connecting…',
  history: 'loading history…',
  live: 'live',
  reconnecting: 'reconnecting',
  closed: 'disconnected',
};

const PHASE_DOT: Record<SocketState['phase'], string> = {
  connecting: 'bg-amber-400',
  history: 'bg-amber-400',
  live: 'bg-green-500',
  reconnecting: 'bg-amber-500',
  closed: 'bg-red-500',
};

function ToolButton({ children, onClick, title }: { children: string; onClick: () => void; title?: string }) {
  return (
    <button className="rounded border border-slate-600 px-2 py-0.5 hover:bg-slate-700" onClick={onClick} title={title}>
      {children}
    </button>
  );
}

/** Connection state, read-only badge and the terminal's actions. */
export function TerminalToolbar(props: {
  kind: 'console' | 'shell';
  state: SocketState;
  renderer: 'webgl' | 'dom' | null;
  downloadHref?: string;
  onSearch: () => void;
  onCopy: () => void;
  onPaste: () => void;
  onReconnect: () => void;
}) {
  const { kind, state } = props;
  const shellExited = kind === 'shell' && state.exitCode !== null;
  const linkDown = kind === 'console' && state.link === 'disconnected' && state.phase === 'live';
  return (
    <div className="flex flex-wrap items-center gap-2 border-b border-slate-700 bg-slate-900 px-2 py-1 text-xs text-slate-200">
      <span className="flex items-center gap-1.5" data-testid="terminal-connection">
        <span className={`inline-block h-2 w-2 rounded-full ${PHASE_DOT[state.phase]}`} />
        {shellExited ? 'shell exited' : PHASE_TEXT[state.phase]}
      </span>
      {state.readOnly && (
        <span className="rounded bg-slate-700 px-1.5 py-0.5 font-medium" data-testid="terminal-read-only" title="Only administrators can type on a VM console">
          read-only
        </span>
      )}
      {state.notRecording && (
        <span className="text-amber-300" data-testid="terminal-not-recording" title="Live output keeps flowing; the gap is marked in the history when recording resumes">
          {state.notRecording}
        </span>
      )}
      {linkDown && <span className="text-amber-300">VM not running: output resumes when it starts</span>}
      {state.detail && !linkDown && <span className="max-w-md truncate text-slate-400" title={state.detail}>{state.detail}</span>}
      <span className="ml-auto flex items-center gap-1.5">
        {(state.phase === 'closed' || state.phase === 'reconnecting') && (
          <ToolButton onClick={props.onReconnect}>{shellExited ? 'Start a new shell' : 'Reconnect'}</ToolButton>
        )}
        <ToolButton onClick={props.onSearch} title="Find in the scrollback (Ctrl+F)">
          Find
        </ToolButton>
        <ToolButton onClick={props.onCopy} title="Copy the selection (Ctrl+Shift+C)">
          Copy
        </ToolButton>
        {!state.readOnly && (
          <ToolButton onClick={props.onPaste} title="Paste (Ctrl+Shift+V)">
            Paste
          </ToolButton>
        )}
        {props.downloadHref && (
          <a className="rounded border border-slate-600 px-2 py-0.5 hover:bg-slate-700" href={props.downloadHref} download data-testid="terminal-download">
            Download log
          </a>
        )}
        {props.renderer && <span className="text-slate-500" title="xterm.js renderer">{props.renderer}</span>}
      </span>
    </div>
  );
}
