import type { FailoverReason } from './failover-reason.js';

const brand = Symbol.for('clawgate.ProviderError');

/** Structured facts about a failure, kept on the error for logs and status pages. */
export interface ProviderErrorOptions {
  reason: FailoverReason;
  /** HTTP status, when the upstream answered with one. */
  status?: number;
  /** The provider's own error type or code, e.g. `rate_limit_error`, `insufficient_quota`. */
  providerCode?: string;
  /** How long the upstream asked us to wait, in milliseconds. */
  retryAfterMs?: number;
  /** The profile the attempt was made on, once the pool knows it. */
  profile?: string;
  /** True when content had already reached the caller before the failure. */
  partial?: boolean;
  cause?: unknown;
}

/**
 * Every failure of a provider call, normalised. Adapters throw it; the pool reads `reason` to
 * decide whether to retry, fail over or stop. Messages never contain credentials.
 */
export class ProviderError extends Error {
  readonly [brand] = true;
  readonly reason: FailoverReason;
  readonly status: number | undefined;
  readonly providerCode: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly profile: string | undefined;
  readonly partial: boolean;

  constructor(message: string, options: ProviderErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProviderError';
    this.reason = options.reason;
    this.status = options.status;
    this.providerCode = options.providerCode;
    this.retryAfterMs = options.retryAfterMs;
    this.profile = options.profile;
    this.partial = options.partial ?? false;
  }

  /** A copy of this error with more facts attached (the profile, or the partial flag). */
  with(extra: Partial<Pick<ProviderErrorOptions, 'profile' | 'partial'>>): ProviderError {
    return new ProviderError(this.message, {
      reason: this.reason,
      status: this.status,
      providerCode: this.providerCode,
      retryAfterMs: this.retryAfterMs,
      profile: extra.profile ?? this.profile,
      partial: extra.partial ?? this.partial,
      cause: this.cause,
    });
  }
}

/** True for a `ProviderError`, even one from another copy of this package. */
export function isProviderError(value: unknown): value is ProviderError {
  return typeof value === 'object' && value !== null && brand in value;
}
