/**
 * Runs `fn` every `everyMs` (first at once when `now`) on a timer that does not keep the process
 * alive, until the returned function is called.
 */
export function repeatEvery(fn: () => void, everyMs: number, opts: { now?: boolean } = {}): () => void {
  if (opts.now) fn();
  const timer = setInterval(fn, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
