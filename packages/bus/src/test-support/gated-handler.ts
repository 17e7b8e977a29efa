/**
 * Test support for channel tests (not part of the built package): a subscriber whose handler
 * calls stay open until the test releases them, so queues fill and drain on cue.
 */
import type { BusHandler } from '../bus-message.js';

/** A handler that records each message and waits for {@link GatedHandler.release}. */
export class GatedHandler<Message> {
  /** Messages in the order their handler call started. */
  readonly started: Message[] = [];
  /** Messages in the order their handler call finished. */
  readonly finished: Message[] = [];
  #credits = 0;
  #waiting: (() => void) | undefined;

  /** Pass this to `subscribe`. */
  readonly handler: BusHandler<Message> = async (message) => {
    this.started.push(message);
    if (this.#credits > 0) this.#credits -= 1;
    else await new Promise<void>((resolve) => (this.#waiting = resolve));
    this.finished.push(message);
  };

  /** Lets the running call (and the next `count - 1` ones) finish. */
  release(count = 1): void {
    this.#credits += count;
    const waiting = this.#waiting;
    if (waiting !== undefined && this.#credits > 0) {
      this.#credits -= 1;
      this.#waiting = undefined;
      waiting();
    }
  }
}

/** Lets every pending promise callback run (real timers only). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
