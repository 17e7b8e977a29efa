import { randomUUID } from 'node:crypto';
import type { Resume } from '@clawgate/protocol';
import { Session, type SessionConnection } from './session.js';

/** Options of a {@link SessionStore}. */
export interface SessionStoreOptions {
  replayBufferSize: number;
  replayBufferBytes: number;
  /** How long events stay replayable and a session without connections survives, in ms. */
  resumeWindowMs: number;
  now?: () => number;
}

/** Outcome of {@link SessionStore.attach}. */
export interface Attachment {
  session: Session;
  /** Whether every event after the client's `lastSeq` is in `replay`. */
  resumed: boolean;
  /** Serialised events to send before live ones. */
  replay: string[];
}

/**
 * Every live session. A session without connections is kept for the resume window, then
 * forgotten.
 */
export class SessionStore {
  readonly #options: Required<SessionStoreOptions>;
  readonly #sessions = new Map<string, Session>();
  readonly #expiryTimers = new Map<string, NodeJS.Timeout>();

  constructor(options: SessionStoreOptions) {
    this.#options = { now: Date.now, ...options };
  }

  /** Number of live sessions. */
  get size(): number {
    return this.#sessions.size;
  }

  /** The live session with this id. */
  get(id: string): Session | undefined {
    return this.#sessions.get(id);
  }

  /** Every live session, with or without connections. */
  all(): Session[] {
    return [...this.#sessions.values()];
  }

  /**
   * Attaches a connection to the session it resumes, or to a new one. A known session whose
   * buffer no longer covers `lastSeq` is still attached, with `resumed: false` and no replay.
   * A session created with another token is refused.
   */
  attach(
    connection: SessionConnection,
    resume: Resume | undefined,
    tokenIndex: number,
  ): Attachment | { refused: 'foreign_session' } {
    const existing = resume === undefined ? undefined : this.#sessions.get(resume.sessionId);
    if (existing && existing.ownerTokenIndex !== tokenIndex) return { refused: 'foreign_session' };
    const session = existing ?? this.#create(tokenIndex);
    const replay =
      existing === undefined || resume === undefined
        ? undefined
        : existing.eventsAfter(resume.lastSeq);

    this.#cancelExpiry(session.id);
    session.connections.add(connection);
    return { session, resumed: replay !== undefined, replay: replay ?? [] };
  }

  /** Detaches a connection; the session expires after the resume window if none is left. */
  detach(connection: SessionConnection, session: Session): void {
    session.connections.delete(connection);
    if (session.connections.size > 0 || !this.#sessions.has(session.id)) return;

    const timer = setTimeout(() => {
      this.#expiryTimers.delete(session.id);
      this.#sessions.delete(session.id);
    }, this.#options.resumeWindowMs);
    // A session waiting for a resume must not keep the process alive on its own.
    timer.unref();
    this.#expiryTimers.set(session.id, timer);
  }

  /** Forgets every session and cancels every timer. */
  clear(): void {
    for (const timer of this.#expiryTimers.values()) clearTimeout(timer);
    this.#expiryTimers.clear();
    this.#sessions.clear();
  }

  #create(ownerTokenIndex: number): Session {
    const session = new Session({
      id: randomUUID(),
      ownerTokenIndex,
      replayBufferSize: this.#options.replayBufferSize,
      replayBufferBytes: this.#options.replayBufferBytes,
      replayWindowMs: this.#options.resumeWindowMs,
      now: this.#options.now,
    });
    this.#sessions.set(session.id, session);
    return session;
  }

  #cancelExpiry(sessionId: string): void {
    const timer = this.#expiryTimers.get(sessionId);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#expiryTimers.delete(sessionId);
  }
}
