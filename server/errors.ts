// The one base class of the errors the domain throws on purpose. Each says what kind of failure it is (which
// becomes the tRPC code, see common/errors.ts) and its own code (sent as data.reason); bad input carries its
// issues. Anything else thrown is a bug: the API reports it as an internal error and the server logs its stack.
import type { ErrorKind, InputIssue } from '../common/errors';

export abstract class DomainError extends Error {
  abstract readonly kind: ErrorKind;
  /** "stale-plan", "vm-exists", …: stable, for callers to act on */
  abstract readonly code: string;
  readonly issues: InputIssue[] | null = null;
}

/** A domain failure that needs no class of its own: its kind, its code and a plain-words message. */
export class KnownError extends DomainError {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'KnownError';
  }
}
