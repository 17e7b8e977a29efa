/** Where providers-core reads the time, so tests can step it. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The real clock (`Date.now`, which fake timers also control). */
export const systemClock: Clock = { now: () => Date.now() };
