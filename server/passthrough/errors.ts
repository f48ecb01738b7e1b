import { DomainError } from '../errors';
import type { Refusal } from './types';

/** The change cannot go ahead; nothing was written. */
export class PassthroughRefusedError extends DomainError {
  readonly kind = 'refused';
  readonly code = 'passthrough-refused';
  constructor(readonly refusals: Refusal[]) {
    super(refusals.map((r) => (r.fix ? `${r.message} ${r.fix}` : r.message)).join(' '));
    this.name = 'PassthroughRefusedError';
  }
}

/** The host changed since the plan was shown: show the new plan before doing anything. */
export class StalePlanError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'stale-plan';
  constructor() {
    super('The host changed since this plan was shown; look at the new plan and confirm again.');
    this.name = 'StalePlanError';
  }
}
