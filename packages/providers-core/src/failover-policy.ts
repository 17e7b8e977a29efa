import type { FailoverReason } from './failover-reason.js';

/** What the table of the design says to do after one failed attempt. */
export interface FailoverPolicy {
  /** Try the same profile once more, after a backoff. */
  retrySameOnce: boolean;
  /** Move on to another profile. */
  tryNext: boolean;
  /** Count the failure towards the profile's circuit breaker. */
  countsForBreaker: boolean;
}

const policy = (
  retrySameOnce: boolean,
  tryNext: boolean,
  countsForBreaker: boolean,
): FailoverPolicy => ({
  retrySameOnce,
  tryNext,
  countsForBreaker,
});

/** The failover table, row by row. */
export const FAILOVER_POLICY: Readonly<Record<FailoverReason, FailoverPolicy>> = {
  auth: policy(false, true, false),
  billing: policy(false, true, false),
  rate_limit: policy(false, true, false),
  overloaded: policy(false, true, true),
  server_error: policy(true, true, true),
  timeout: policy(false, true, true),
  network: policy(true, true, true),
  context_overflow: policy(false, true, false),
  model_not_found: policy(false, true, false),
  invalid_request: policy(false, false, false),
  aborted: policy(false, false, false),
  unknown: policy(false, true, true),
};
