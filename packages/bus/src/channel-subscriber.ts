import type { BusHandler } from './bus-message.js';
import type { SubscriberReport } from './channel-stats.js';

/** What a {@link ChannelSubscriber} tells its channel. Internal to the package. */
export interface SubscriberEvents<Message> {
  /** The handler threw or rejected on `message`. */
  handlerFailed(error: unknown, message: Message): void;
  /** Pending reached the lag threshold. */
  lagging(report: SubscriberReport): void;
  /** Pending dropped to zero while lagging. */
  caughtUp(report: SubscriberReport): void;
  /** A pending message was taken by the handler, so the queue has room for one more. */
  roomFreed(): void;
  /** The handler finished and nothing is pending (or the subscriber was removed). */
  settled(): void;
}

/** Settings of a {@link ChannelSubscriber}. Internal to the package. */
export interface ChannelSubscriberOptions<Message> {
  name: string;
  handler: BusHandler<Message>;
  capacity: number;
  lagThreshold: number;
  events: SubscriberEvents<Message>;
}

/**
 * One subscriber of a channel: its own bounded queue of pending messages, handed to its
 * handler one at a time in queue order, with its delivery counters and lag state. The
 * channel checks {@link full} before it calls {@link enqueue}.
 */
export class ChannelSubscriber<Message> {
  readonly name: string;
  readonly #handler: BusHandler<Message>;
  readonly #capacity: number;
  readonly #lagThreshold: number;
  readonly #events: SubscriberEvents<Message>;
  readonly #pending: Message[] = [];
  #running: Promise<void> = Promise.resolve();
  #handling = false;
  #active = true;
  #delivered = 0;
  #failed = 0;
  #discarded = 0;
  #lagging = false;
  #lagEpisodes = 0;

  constructor(options: ChannelSubscriberOptions<Message>) {
    this.name = options.name;
    this.#handler = options.handler;
    this.#capacity = options.capacity;
    this.#lagThreshold = options.lagThreshold;
    this.#events = options.events;
  }

  /** Messages queued and not yet started. */
  get pending(): number {
    return this.#pending.length;
  }

  /** Whether the queue holds `capacity` messages. */
  get full(): boolean {
    return this.#pending.length >= this.#capacity;
  }

  /** Whether the handler is running. */
  get handling(): boolean {
    return this.#handling;
  }

  /** Settles when the handler call in flight (if any) and the ones queued after it finish. */
  get running(): Promise<void> {
    return this.#running;
  }

  /** Adds a message to the queue; call {@link deliver} once every subscriber has it. */
  enqueue(message: Message): void {
    this.#pending.push(message);
  }

  /** Starts the handler on the oldest pending message if it is free, then checks the lag. */
  deliver(): void {
    if (this.#active && !this.#handling && this.#pending.length > 0) {
      this.#handling = true;
      // Set before the drain starts: its first handler call runs synchronously and may
      // close the channel, which awaits `running`.
      let finished: () => void = () => undefined;
      this.#running = new Promise((resolve) => {
        finished = resolve;
      });
      void this.#drain().then(finished, finished);
    }

    if (this.#active && !this.#lagging && this.#pending.length >= this.#lagThreshold) {
      this.#lagging = true;
      this.#lagEpisodes += 1;
      this.#events.lagging(this.report());
    }
  }

  /**
   * Drops every pending message, counting it as discarded, and ends lagging without a
   * caught-up event. `notHandedOver` counts messages the channel still keeps for this
   * subscriber and drops with it. With `remove`, the subscriber also takes no further
   * messages; a handler call in flight still finishes.
   */
  discardPending(options: { remove: boolean; notHandedOver: number }): void {
    if (options.remove) this.#active = false;
    this.#discarded += this.#pending.length + options.notHandedOver;
    this.#pending.length = 0;
    this.#lagging = false;
  }

  /** A snapshot of the counters. */
  report(): SubscriberReport {
    return {
      name: this.name,
      pending: this.#pending.length,
      delivered: this.#delivered,
      failed: this.#failed,
      discarded: this.#discarded,
      lagging: this.#lagging,
      lagEpisodes: this.#lagEpisodes,
    };
  }

  async #drain(): Promise<void> {
    try {
      while (this.#active && this.#pending.length > 0) {
        const message = this.#take();
        try {
          await this.#handler(message);
          this.#delivered += 1;
        } catch (error) {
          this.#failed += 1;
          this.#events.handlerFailed(error, message);
        }
      }
    } finally {
      this.#handling = false;
      this.#events.settled();
    }
  }

  #take(): Message {
    // The caller checked that the queue is not empty; `Message` itself may include undefined.
    const message = this.#pending.shift() as Message;

    if (this.#lagging && this.#pending.length === 0) {
      this.#lagging = false;
      this.#events.caughtUp(this.report());
    }

    this.#events.roomFreed();
    return message;
  }
}
