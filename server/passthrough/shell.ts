// A plan's writes as a shell script: what the UI shows ("these are the exact writes") and what the
// kernel-rig test replays inside a real kernel.
import { shellQuote } from '../../common/shell-quote';
import type { SysfsWrite } from './types';

/** `echo` writes value + "\n", exactly what the host writer does (an empty value clears an override). */
export function renderShell(writes: SysfsWrite[], root = '/'): string {
  const base = root.endsWith('/') ? root : `${root}/`;
  const lines = ['#!/bin/sh', 'set -e'];
  for (const w of writes) lines.push(`# ${w.why}`, `echo ${shellQuote(w.value)} > ${shellQuote(base + w.path)}`);
  return lines.join('\n') + '\n';
}
