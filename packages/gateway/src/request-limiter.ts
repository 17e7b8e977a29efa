/** Options of a {@link RequestLimiter}. */
export interface RequestLimiterOptions {
  /** Most calls of one connection running at once. */
  maxInFlight: number;
  /** Calls per second one connection may sustain. */
  ratePerSecond: number;
  /** Calls one connection may make in a burst above the rate. */
  burst: number;
  now?: () => number;
}

/** Why a call was refused, and when trying again makes sense. */
export type LimitVerdict =
  | { allowed: true; release: () => void }
  | { allowed: false; reason: 'concurrency' | 'rate'; retryAfterMs: number };

/** How long to suggest waiting when the concurrency cap refused a call, in ms. */
const CONCURRENCY_RETRY_MS = 100;

/**
 * Bounds one connection's calls: a token bucket for the rate and a cap on calls in flight.
 * A refused call takes no token and no slot.
 */
export class RequestLimiter {
  readonly #options: Required<RequestLimiterOptions>;
  #tokens: number;
  #refilledAtMs: number;
  #inFlight = 0;

  constructor(options: RequestLimiterOptions) {
    this.#options = { now: Date.now, ...options };
    this.#tokens = options.burst;
    this.#refilledAtMs = this.#options.now();
  }

  /** Calls running now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Admits one call, or says why not. Call `release` when an admitted call has settled. */
  admit(): LimitVerdict {
    this.#refill();
    if (this.#inFlight >= this.#options.maxInFlight) {
      return { allowed: false, reason: 'concurrency', retryAfterMs: CONCURRENCY_RETRY_MS };
    }
    if (this.#tokens < 1) {
      const retryAfterMs = Math.ceil(((1 - this.#tokens) / this.#options.ratePerSecond) * 1000);
      return { allowed: false, reason: 'rate', retryAfterMs };
    }

    this.#tokens -= 1;
    this.#inFlight += 1;
    let released = false;
    return {
      allowed: true,
      release: () => {
        if (released) return;
        released = true;
        this.#inFlight -= 1;
      },
    };
  }

  #refill(): void {
    const now = this.#options.now();
    const elapsedMs = Math.max(0, now - this.#refilledAtMs);
    this.#refilledAtMs = now;
    this.#tokens = Math.min(
      this.#options.burst,
      this.#tokens + (elapsedMs / 1000) * this.#options.ratePerSecond,
    );
  }
}
