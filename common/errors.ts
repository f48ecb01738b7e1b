// What a failed call tells its caller beyond a message, as data: the kind of failure, the domain's own code
// for it and, for bad input, each issue with its path. The server fills it (server/trpc/trpc.ts); pages read it
// with errorDataOf and never parse the wording. Isomorphic: no server imports.
import type { z } from 'zod';

/** The kinds of failure a domain error can be, and the tRPC code each is sent as. */
export const ERROR_KINDS = {
  'bad-input': 'BAD_REQUEST',
  'not-found': 'NOT_FOUND',
  conflict: 'CONFLICT',
  refused: 'PRECONDITION_FAILED',
  forbidden: 'FORBIDDEN',
  /** too much work queued (helper programs, server/proc/run.ts): try again shortly */
  busy: 'TOO_MANY_REQUESTS',
  /** a known failure with a message worth showing (QEMU did not come up) */
  failed: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorKind = keyof typeof ERROR_KINDS;

/** One thing wrong with an input: where (the field path, list indexes as numbers) and what, in plain words. */
export interface InputIssue {
  path: Array<string | number>;
  message: string;
}

/** `data` of every error the API sends: tRPC's fields plus jetvm's. */
export interface ErrorData {
  /** tRPC's code: "BAD_REQUEST", "CONFLICT", "INTERNAL_SERVER_ERROR", … */
  code: string;
  httpStatus?: number;
  /** the domain's code ("stale-plan", "vm-exists", "start-refused", …); null for auth, routing and internal errors */
  reason: string | null;
  /** what was wrong with the input, when it was the input */
  issues: InputIssue[] | null;
}

/** Message of an internal error the server does not explain (it logs it with its stack instead). */
export const INTERNAL_ERROR_MESSAGE = 'jetvm hit an internal error; the server log has the details';

/** The structured data of an API error (a TRPCClientError or its JSON), or null when there is none. */
export function errorDataOf(err: unknown): ErrorData | null {
  const data = (err as { data?: unknown } | null)?.data;
  if (!data || typeof data !== 'object' || typeof (data as ErrorData).code !== 'string') return null;
  const d = data as Partial<ErrorData> & { code: string };
  return { code: d.code, httpStatus: d.httpStatus, reason: d.reason ?? null, issues: Array.isArray(d.issues) ? d.issues : null };
}

/** "disks.1.path: must be an absolute path"; an issue with the input as a whole is its message alone. */
export function issueLine(i: InputIssue): string {
  return i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message;
}

/** The readable part of any error: its input issues when there are some, else its message. */
export function errorText(err: unknown): string {
  const issues = errorDataOf(err)?.issues;
  if (issues?.length) return issues.map(issueLine).join('; ');
  return (err as { message?: string } | null)?.message ?? String(err);
}

/** A zod error's issues, paths made plain (symbols, which jetvm's schemas never use, become strings). */
export function inputIssues(err: z.ZodError): InputIssue[] {
  return err.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'number' ? p : String(p))), message: i.message }));
}

type RawIssue = z.core.$ZodRawIssue;

/**
 * zod's stock wording said the way a person would ("must be at least 64", "is required"), for issues whose
 * schema gave no message of its own. Install with z.config({ customError: plainIssueMessage }).
 */
export function plainIssueMessage(iss: RawIssue): string | undefined {
  const missing = iss.input === undefined || iss.input === null || (typeof iss.input === 'number' && Number.isNaN(iss.input));
  switch (iss.code) {
    case 'too_small':
      if (iss.origin === 'number' || iss.origin === 'int') return iss.inclusive === false ? `must be more than ${iss.minimum}` : `must be at least ${iss.minimum}`;
      if (iss.origin === 'array') return `at least ${iss.minimum} needed`;
      if (iss.origin === 'string') return Number(iss.minimum) === 1 ? 'is required' : `must be at least ${iss.minimum} characters`;
      return undefined;
    case 'too_big':
      if (iss.origin === 'number' || iss.origin === 'int') return iss.inclusive === false ? `must be less than ${iss.maximum}` : `must be at most ${iss.maximum}`;
      if (iss.origin === 'array') return `at most ${iss.maximum} allowed`;
      if (iss.origin === 'string') return `must be at most ${iss.maximum} characters`;
      return undefined;
    case 'invalid_type':
      if (iss.expected === 'int') return missing ? 'is required (a whole number)' : 'must be a whole number';
      if (iss.expected === 'number') return missing ? 'is required (a number)' : 'must be a number';
      if (missing) return 'is required';
      return `must be a ${iss.expected}`;
    case 'invalid_value':
      return `must be one of ${iss.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return undefined;
  }
}
