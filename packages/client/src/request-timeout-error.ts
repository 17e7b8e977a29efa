const requestTimeoutErrorBrand = Symbol.for('@clawgate/client/RequestTimeoutError');

/** A request got no response in time. A late response is ignored. */
export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
  readonly method: string;
  /** The timeout that passed, in milliseconds. */
  readonly timeoutMs: number;
  readonly [requestTimeoutErrorBrand] = true;

  constructor(method: string, timeoutMs: number) {
    super(`Request "${method}" got no response within ${timeoutMs} ms`);
    this.method = method;
    this.timeoutMs = timeoutMs;
  }
}

/** Type guard for {@link RequestTimeoutError}, also across copies of this package. */
export function isRequestTimeoutError(value: unknown): value is RequestTimeoutError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[requestTimeoutErrorBrand] === true
  );
}
