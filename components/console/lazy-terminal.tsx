'use client';
import dynamic from 'next/dynamic';

/** The terminal, loaded on demand in the browser only: pages without one never download xterm.js. */
export const LazyTerminal = dynamic(() => import('./terminal').then((m) => m.Terminal), {
  ssr: false,
  loading: () => <div className="flex h-[30rem] items-center justify-center rounded-lg bg-[#0b1020] text-sm text-slate-400">Loading the terminal…</div>,
});

/** A VM's serial console: history, then live output; admins can type. */
export function VmConsole({ vm }: { vm: string }) {
  const name = encodeURIComponent(vm);
  return <LazyTerminal kind="console" wsPath={`/ws/console/${name}`} downloadHref={`/api/console/${name}/log`} testId="console-terminal" />;
}
