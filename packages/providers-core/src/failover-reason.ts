/** Every reason a provider call can fail, as the failover table of the design names them. */
export const FAILOVER_REASONS = [
  'auth',
  'billing',
  'rate_limit',
  'overloaded',
  'server_error',
  'timeout',
  'network',
  'context_overflow',
  'model_not_found',
  'invalid_request',
  'aborted',
  'unknown',
] as const;

/** Why a provider call failed; decides what the pool does next. */
export type FailoverReason = (typeof FAILOVER_REASONS)[number];
