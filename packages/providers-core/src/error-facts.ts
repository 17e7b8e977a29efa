import type { HeaderSource } from './retry-after.js';

/**
 * What an adapter knows about a failure, before any decision is made. Every field is
 * optional: an in-stream error has no status, a socket error has no body.
 */
export interface ErrorFacts {
  /** HTTP status of the upstream answer. */
  status?: number;
  /** The provider's error type, e.g. `overloaded_error`, `insufficient_quota`. */
  errorType?: string;
  /** The provider's error code, e.g. `invalid_api_key`, `context_length_exceeded`. */
  errorCode?: string;
  /** Class name of the SDK error, e.g. `APIConnectionTimeoutError`. */
  errorClass?: string;
  /** Socket or system error code, e.g. `ECONNRESET`. */
  socketCode?: string;
  /** Response headers, read for retry-after. */
  headers?: HeaderSource;
  /** Human-readable message; consulted only when the structured facts are silent. */
  message?: string;
  /** True when the caller's own signal (abort or deadline) ended the call. */
  callerAborted?: boolean;
  /** True when the adapter's own idle timer ended a stalled stream. */
  idleTimeout?: boolean;
}
