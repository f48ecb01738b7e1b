// QEMU option-string helpers: values in "key=value,key=value" lists double their commas.

/** `a,b` → `a,,b`, the way QEMU's option parser reads a literal comma inside a value. */
export function escapeOptValue(value: string): string {
  return value.replaceAll(',', ',,');
}

/** Joins a driver/type with key=value pairs; undefined/false values are left out, true becomes "on". */
export function optList(head: string | null, pairs: Array<[string, string | number | boolean | undefined | null]>): string {
  const parts: string[] = head === null ? [] : [head];
  for (const [k, v] of pairs) {
    if (v === undefined || v === null || v === false) continue;
    parts.push(`${k}=${v === true ? 'on' : escapeOptValue(String(v))}`);
  }
  return parts.join(',');
}

/** A QEMU id for a host PCI address: ids allow only letters, digits, '-', '.', '_'. */
export function idForAddress(prefix: string, address: string): string {
  return `${prefix}-${address.replaceAll(':', '-')}`;
}
