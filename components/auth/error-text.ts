/** The readable part of a tRPC error: the input issues when zod found some, else the message. */
export function errorText(err: unknown): string {
  const e = err as { message?: string; data?: { issues?: string[] | null } } | null;
  if (!e) return '';
  return e.data?.issues?.length ? e.data.issues.join('; ') : (e.message ?? String(err));
}
