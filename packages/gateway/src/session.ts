import { serializeNotification } from './json-rpc-responses.js';
import { ReplayBuffer } from './replay-buffer.js';

/** A gateway session as method handlers see it. It survives reconnects (see `resume`). */
export interface GatewaySession {
  /** Stable id; a reconnecting client names it in `connect.resume.sessionId`. */
  readonly id: string;
  /** The last `seq` assigned, 0 before the first event. */
  readonly lastSeq: number;
  /** Open, authenticated connections currently attached. */
  readonly connectionCount: number;
  /**
   * Sends a notification to every connection of the session and keeps it for resume.
   * `seq` (+1 per session) is added to `params`, overriding any `seq` already there.
   * @returns the `seq` given to this event
   */
  emit(method: string, params: object): number;
}

/** A connection as a session needs it. */
export interface SessionConnection {
  readonly id: string;
  /** Sends one already-serialised event frame. */
  sendEvent(text: string): void;
}

/** Options of a {@link Session}. */
export interface SessionOptions {
  id: string;
  /** Index of the accepted token that created the session; only it may resume the session. */
  ownerTokenIndex: number;
  replayBufferSize: number;
  /** Most bytes of events kept for resume. */
  replayBufferBytes: number;
  /** How long events stay replayable, in milliseconds. */
  replayWindowMs: number;
  now: () => number;
}

/** The gateway's own view of a session: the public one plus its connections and buffer. */
export class Session implements GatewaySession {
  readonly id: string;
  readonly ownerTokenIndex: number;
  readonly connections = new Set<SessionConnection>();
  readonly #buffer: ReplayBuffer;
  readonly #now: () => number;
  #lastSeq = 0;

  constructor(options: SessionOptions) {
    this.id = options.id;
    this.ownerTokenIndex = options.ownerTokenIndex;
    this.#now = options.now;
    this.#buffer = new ReplayBuffer({
      maxEvents: options.replayBufferSize,
      maxAgeMs: options.replayWindowMs,
      maxBytes: options.replayBufferBytes,
    });
  }

  get lastSeq(): number {
    return this.#lastSeq;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  emit(method: string, params: object): number {
    this.#lastSeq += 1;
    const seq = this.#lastSeq;
    const text = serializeNotification(method, { ...params, seq });

    this.#buffer.push({ seq, text, emittedAtMs: this.#now() });
    for (const connection of this.connections) connection.sendEvent(text);
    return seq;
  }

  /** Serialised events after `lastSeq`; `undefined` when the buffer no longer has them all. */
  eventsAfter(lastSeq: number): string[] | undefined {
    return this.#buffer.eventsAfter(lastSeq, this.#lastSeq, this.#now());
  }
}
