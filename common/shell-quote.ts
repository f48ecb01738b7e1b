// The one POSIX shell quoter: the exported VM script, the passthrough plan's script, the kernel-rig replay
// and the command the VM page shows all quote words with it.

const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** A word as the shell reads it back unchanged: plain words stay as they are (readable), the rest single-quoted. */
export function shellQuote(word: string): string {
  if (PLAIN.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
