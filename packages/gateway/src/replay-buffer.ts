/** One serialised event kept for resume. */
interface BufferedEvent {
  seq: number;
  text: string;
  emittedAtMs: number;
}

interface HeldEvent extends BufferedEvent {
  bytes: number;
}

/** Options of a {@link ReplayBuffer}. */
export interface ReplayBufferOptions {
  /** Most events kept; older ones are dropped first. */
  maxEvents: number;
  /** Longest an event is kept, in milliseconds. */
  maxAgeMs: number;
  /** Most bytes of event text kept; older events are dropped first. Default: no limit. */
  maxBytes?: number;
}

/**
 * The most recent events of one session, bounded by count, by size and by age. Sequence numbers
 * are pushed in increasing order, so what it holds is always a contiguous range.
 */
export class ReplayBuffer {
  readonly #options: ReplayBufferOptions;
  #events: HeldEvent[] = [];
  #bytes = 0;

  constructor(options: ReplayBufferOptions) {
    this.#options = options;
  }

  /** Keeps one event. */
  push(event: BufferedEvent): void {
    const bytes = Buffer.byteLength(event.text);
    this.#events.push({ ...event, bytes });
    this.#bytes += bytes;
    const maxBytes = this.#options.maxBytes ?? Number.POSITIVE_INFINITY;
    let drop = Math.max(0, this.#events.length - this.#options.maxEvents);
    let kept = this.#bytes;
    for (let index = 0; index < drop; index += 1) kept -= this.#events[index]?.bytes ?? 0;
    while (kept > maxBytes && drop < this.#events.length) {
      kept -= this.#events[drop]?.bytes ?? 0;
      drop += 1;
    }
    this.#dropFirst(drop);
    this.#dropExpired(event.emittedAtMs);
  }

  #dropFirst(count: number): void {
    if (count <= 0) return;
    for (const dropped of this.#events.splice(0, count)) this.#bytes -= dropped.bytes;
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
    this.#dropFirst(firstKept === -1 ? this.#events.length : firstKept);
  }
}
