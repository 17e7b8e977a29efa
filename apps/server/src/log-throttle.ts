/** Most keys tracked; the oldest is forgotten beyond it. */
const MAX_KEYS = 10_000;

/**
 * Lets one log line per key through per window, counting the rest, so a client that floods
 * (say, thousands of rate-limited calls) costs a line per window, not a line per frame.
 */
export class LogThrottle {
  readonly #windowMs: number;
  readonly #entries = new Map<string, { windowStartMs: number; suppressed: number }>();

  /** @param windowMs length of a window, in ms */
  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  /**
   * Whether to log for `key` now; when so, `suppressed` is how many lines were held back for
   * it since the last one.
   */
  admit(key: string, nowMs = Date.now()): { log: boolean; suppressed: number } {
    const entry = this.#entries.get(key);
    if (entry && nowMs - entry.windowStartMs < this.#windowMs) {
      entry.suppressed += 1;
      return { log: false, suppressed: 0 };
    }
    const suppressed = entry?.suppressed ?? 0;
    this.#entries.delete(key);
    this.#entries.set(key, { windowStartMs: nowMs, suppressed: 0 });
    if (this.#entries.size > MAX_KEYS) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    return { log: true, suppressed };
  }
}
