/** One serialised event kept for resume. */
interface BufferedEvent {
  seq: number;
  text: string;
  emittedAtMs: number;
}

/** Options of a {@link ReplayBuffer}. */
export interface ReplayBufferOptions {
  /** Most events kept; older ones are dropped first. */
  maxEvents: number;
  /** Longest an event is kept, in milliseconds. */
  maxAgeMs: number;
}

/**
 * The most recent events of one session, bounded by count and by age. Sequence numbers
 * are pushed in increasing order, so what it holds is always a contiguous range.
 */
export class ReplayBuffer {
  readonly #options: ReplayBufferOptions;
  #events: BufferedEvent[] = [];

  constructor(options: ReplayBufferOptions) {
    this.#options = options;
  }

  /** Keeps one event. */
  push(event: BufferedEvent): void {
    this.#events.push(event);
    if (this.#events.length > this.#options.maxEvents) {
      this.#events.splice(0, this.#events.length - this.#options.maxEvents);
    }
    this.#dropExpired(event.emittedAtMs);
  }

  /**
   * The events after `lastSeq`, or `undefined` when some of them were already dropped.
   * `latestSeq` is the last sequence number the session assigned.
   */
  eventsAfter(lastSeq: number, latestSeq: number, nowMs: number): string[] | undefined {
    if (lastSeq > latestSeq) return undefined;
    if (lastSeq === latestSeq) return [];

    this.#dropExpired(nowMs);
    const oldest = this.#events[0];
    if (oldest === undefined || oldest.seq > lastSeq + 1) return undefined;
    return this.#events.filter((event) => event.seq > lastSeq).map((event) => event.text);
  }

  #dropExpired(nowMs: number): void {
    const oldestKeptMs = nowMs - this.#options.maxAgeMs;
    const firstKept = this.#events.findIndex((event) => event.emittedAtMs >= oldestKeptMs);
    if (firstKept === -1) this.#events = [];
    else if (firstKept > 0) this.#events.splice(0, firstKept);
  }
}
