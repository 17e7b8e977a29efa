import type { FailoverReason } from './failover-reason.js';

const brand = Symbol.for('clawgate.ProvidersUnavailableError');

/** One attempt a pool call made, for error reports. */
export interface AttemptRecord {
  profile: string;
  /** Undefined when the attempt succeeded. */
  reason?: FailoverReason;
  message?: string;
  durationMs: number;
}

/**
 * No profile can take the call: all are cooling down, disabled, open, or already failed in
 * this call, and the soonest recovery is too far away to wait for.
 */
export class ProvidersUnavailableError extends Error {
  readonly [brand] = true;
  readonly code = 'PROVIDERS_UNAVAILABLE';
  /** Milliseconds until the soonest profile recovers; undefined when none will by itself. */
  readonly retryAfterMs: number | undefined;
  readonly attempts: readonly AttemptRecord[];

  constructor(options: {
    retryAfterMs?: number;
    attempts: readonly AttemptRecord[];
    message?: string;
  }) {
    super(options.message ?? 'No provider profile is available');
    this.name = 'ProvidersUnavailableError';
    this.retryAfterMs = options.retryAfterMs;
    this.attempts = options.attempts;
  }
}

/** True for a `ProvidersUnavailableError`, even one from another copy of this package. */
export function isProvidersUnavailableError(value: unknown): value is ProvidersUnavailableError {
  return typeof value === 'object' && value !== null && brand in value;
}
