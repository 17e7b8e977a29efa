/** Options of an {@link AuthLockout}. Durations in milliseconds. */
export interface AuthLockoutOptions {
  /** Failures from one address within `windowMs` that lock it out. Default 5. */
  maxFailures: number;
  /** How far back failures count. Default 60 000. */
  windowMs: number;
  /** How long a locked-out address is refused. Default 60 000. */
  lockoutMs: number;
  now?: () => number;
}

/** Most addresses tracked at once; the oldest entry goes first beyond it. */
const MAX_TRACKED_ADDRESSES = 10_000;

type AddressRecord = { failuresAtMs: number[]; lockedUntilMs: number };

/**
 * Counts authentication failures per remote address and locks an address out after too many,
 * so a token cannot be guessed at line rate. A success clears the address's record.
 */
export class AuthLockout {
  readonly #options: Required<AuthLockoutOptions>;
  readonly #records = new Map<string, AddressRecord>();

  constructor(options: AuthLockoutOptions) {
    this.#options = { now: Date.now, ...options };
  }

  /** Milliseconds until `address` may try again, or undefined when it may now. */
  retryAfterMs(address: string): number | undefined {
    const record = this.#records.get(address);
    const remainingMs = (record?.lockedUntilMs ?? 0) - this.#options.now();
    return remainingMs > 0 ? remainingMs : undefined;
  }

  /** Records a failure; returns the lockout it caused, in ms, if this one locked the address. */
  recordFailure(address: string): number | undefined {
    const now = this.#options.now();
    const record = this.#records.get(address) ?? { failuresAtMs: [], lockedUntilMs: 0 };
    record.failuresAtMs = record.failuresAtMs.filter((atMs) => now - atMs < this.#options.windowMs);
    record.failuresAtMs.push(now);

    this.#records.delete(address);
    this.#records.set(address, record);
    if (this.#records.size > MAX_TRACKED_ADDRESSES) {
      const oldest = this.#records.keys().next();
      if (!oldest.done) this.#records.delete(oldest.value);
    }

    if (record.failuresAtMs.length < this.#options.maxFailures) return undefined;
    record.failuresAtMs = [];
    record.lockedUntilMs = now + this.#options.lockoutMs;
    return this.#options.lockoutMs;
  }

  /** Forgets an address's failures after it authenticated. */
  recordSuccess(address: string): void {
    this.#records.delete(address);
  }
}
