import { BusClosedError } from './bus-closed-error.js';
import type { BusHandler, BusHandlerErrorListener } from './bus-message.js';
import { ChannelSubscriber } from './channel-subscriber.js';
import type { ChannelStats, SubscriberListener, SubscriberReport } from './channel-stats.js';
import {
  resolveChannelLimits,
  resolveSubscriberName,
  type MessageChannelOptions,
  type PublishOptions,
  type SubscribeOptions,
} from './message-channel-options.js';
import { PublisherQueue } from './publisher-queue.js';

/**
 * Removes a subscriber; returned by {@link MessageChannel.subscribe}. Its pending messages
 * (and, when it leaves before the backlog hand-off, the backlog) are discarded and counted in
 * `discarded`, publishers waiting for room in its queue are released, and a handler call in
 * flight finishes. No caught-up event follows. Returns the subscriber's report; calling it
 * again changes nothing and returns a fresh report of the same subscriber.
 */
export type Unsubscribe = () => SubscriberReport;

/**
 * A bounded, fan-out message channel. Every subscriber has its own queue of at most
 * `capacity` pending messages and gets every message published while it is subscribed, in
 * publish order, one at a time (its handler is awaited before its next message), so a slow
 * subscriber does not hold back a fast one until its own queue is full. `publish` resolves
 * once the message is queued for every subscriber and waits, never dropping, while any
 * subscriber's queue is full. Messages published while nobody subscribes wait, up to
 * `capacity`, for the first subscriber(s). Nothing is logged: a subscriber falling behind is
 * reported through `onSubscriberLagging` and `onSubscriberCaughtUp`, and counted in
 * {@link stats}.
 * @example
 * const channel = new MessageChannel<string>({ capacity: 100, lagThreshold: 80 });
 * const unsubscribe = channel.subscribe(async (text) => { ... }, { name: 'agent' });
 * await channel.publish('hello');
 */
export class MessageChannel<Message> {
  readonly #capacity: number;
  readonly #lagThreshold: number;
  readonly #onHandlerError: BusHandlerErrorListener<Message> | undefined;
  readonly #onSubscriberLagging: SubscriberListener | undefined;
  readonly #onSubscriberCaughtUp: SubscriberListener | undefined;
  /** Messages published while nobody subscribed, kept for the first subscriber(s). */
  readonly #backlog: Message[] = [];
  readonly #waitingPublishers = new PublisherQueue<Message>();
  /** Current subscribers, in subscription order. */
  #subscribers: Array<ChannelSubscriber<Message>> = [];
  /** Current subscribers and removed ones whose handler is still running. */
  readonly #live = new Set<ChannelSubscriber<Message>>();
  #idleWaiters: Array<() => void> = [];
  #subscriptions = 0;
  #published = 0;
  #backlogHandOffScheduled = false;
  #admitting = false;
  #closed = false;

  /** @throws RangeError when `capacity` or `lagThreshold` is out of range. */
  constructor(options: MessageChannelOptions<Message> = {}) {
    const limits = resolveChannelLimits(options);
    this.#capacity = limits.capacity;
    this.#lagThreshold = limits.lagThreshold;
    this.#onHandlerError = options.onHandlerError;
    this.#onSubscriberLagging = options.onSubscriberLagging;
    this.#onSubscriberCaughtUp = options.onSubscriberCaughtUp;
  }

  /**
   * Messages the channel holds that some subscriber has not started handling: the ones
   * waiting for a first subscriber plus the longest subscriber queue (a message queued for
   * several subscribers counts once). Handler calls in flight and waiting publishers are not
   * counted.
   */
  get size(): number {
    let longest = 0;
    for (const subscriber of this.#subscribers) longest = Math.max(longest, subscriber.pending);
    return this.#backlog.length + longest;
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Queues a message for every current subscriber (or, with none, for the first one); waits
   * while any of their queues is full, behind publishers that waited first.
   * Rejects with `BusClosedError` once closed, or with the signal's reason when it aborts
   * before there is room.
   */
  publish(message: Message, options: PublishOptions = {}): Promise<void> {
    if (this.#closed) return Promise.reject(new BusClosedError());
    if (options.signal?.aborted === true) return Promise.reject(options.signal.reason);

    if (this.#waitingPublishers.length === 0 && this.#hasRoom()) {
      this.#accept(message);
      return Promise.resolve();
    }
    return this.#waitingPublishers.wait(message, options.signal);
  }

  /**
   * Adds a subscriber. It gets every message published from now on; the first subscriber(s)
   * also get the messages published while nobody subscribed, handed over on the next
   * microtask to every subscriber present then.
   * @throws RangeError when `options.name` is given and is not a non-empty string.
   */
  subscribe(handler: BusHandler<Message>, options: SubscribeOptions = {}): Unsubscribe {
    const name = resolveSubscriberName(options.name, this.#subscriptions + 1);
    this.#subscriptions += 1;

    const subscriber: ChannelSubscriber<Message> = new ChannelSubscriber({
      name,
      handler,
      capacity: this.#capacity,
      lagThreshold: this.#lagThreshold,
      events: {
        handlerFailed: (error, message) =>
          this.#notify(() => this.#onHandlerError?.(error, message)),
        lagging: (report) => this.#notify(() => this.#onSubscriberLagging?.(report)),
        caughtUp: (report) => this.#notify(() => this.#onSubscriberCaughtUp?.(report)),
        roomFreed: () => this.#admitWaitingPublishers(),
        settled: () => this.#settled(subscriber),
      },
    });
    this.#subscribers.push(subscriber);
    this.#live.add(subscriber);
    if (this.#backlog.length > 0) this.#scheduleBacklogHandOff();

    return () => {
      this.#unsubscribe(subscriber);
      return subscriber.report();
    };
  }

  /** A snapshot of the channel and of each current subscriber. */
  stats(): ChannelStats {
    const subscribers = this.#subscribers.map((subscriber) => subscriber.report());
    return {
      queued: this.#backlog.length,
      waitingPublishers: this.#waitingPublishers.length,
      published: this.#published,
      laggingSubscribers: subscribers.filter((report) => report.lagging).length,
      subscribers,
    };
  }

  /**
   * Resolves once nothing is queued (for a subscriber or a first subscriber) and no handler
   * is running, including handlers of removed subscribers still finishing.
   */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Stops the channel: queued messages are dropped (counted as `discarded` for the
   * subscribers they were queued for), waiting and later publishers reject with
   * `BusClosedError`, and the returned promise resolves after the handler calls in flight.
   * Subscribers stay listed in {@link stats}.
   */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      const notHandedOver = this.#backlogOwedToSubscribers();
      this.#backlog.length = 0;
      this.#waitingPublishers.rejectAll(() => new BusClosedError());
      for (const subscriber of this.#subscribers) {
        subscriber.discardPending({ remove: false, notHandedOver });
      }
    }

    await Promise.all([...this.#live].map((subscriber) => subscriber.running));
    this.#resolveIdleWaiters();
  }

  /** Whether one more message fits in every queue it would go to. */
  #hasRoom(): boolean {
    if (this.#inBacklogMode()) return this.#backlog.length < this.#capacity;
    return this.#subscribers.every((subscriber) => !subscriber.full);
  }

  /** Until the backlog is handed over, new messages join it, so they stay behind it. */
  #inBacklogMode(): boolean {
    return this.#subscribers.length === 0 || this.#backlog.length > 0;
  }

  /** Queues a message that fits (see {@link #hasRoom}) and starts idle handlers. */
  #accept(message: Message): void {
    this.#published += 1;
    if (this.#inBacklogMode()) {
      this.#backlog.push(message);
      return;
    }

    // Queue for everyone before starting anyone: a handler that publishes in turn must not
    // get its message ahead of this one into another subscriber's queue.
    const subscribers = [...this.#subscribers];
    for (const subscriber of subscribers) subscriber.enqueue(message);
    for (const subscriber of subscribers) subscriber.deliver();
  }

  #scheduleBacklogHandOff(): void {
    if (this.#backlogHandOffScheduled) return;
    this.#backlogHandOffScheduled = true;
    queueMicrotask(() => {
      this.#backlogHandOffScheduled = false;
      this.#handOffBacklog();
    });
  }

  #handOffBacklog(): void {
    if (this.#closed || this.#subscribers.length === 0) return;

    const messages = this.#backlog.splice(0);
    const subscribers = [...this.#subscribers];
    for (const subscriber of subscribers) {
      for (const message of messages) subscriber.enqueue(message);
    }
    for (const subscriber of subscribers) subscriber.deliver();

    this.#admitWaitingPublishers();
  }

  /**
   * How many backlog messages each current subscriber is owed: between a subscribe and the
   * hand-off on the next microtask, the whole backlog belongs to every current subscriber.
   */
  #backlogOwedToSubscribers(): number {
    return this.#subscribers.length > 0 ? this.#backlog.length : 0;
  }

  #unsubscribe(subscriber: ChannelSubscriber<Message>): void {
    if (!this.#subscribers.includes(subscriber)) return;

    const notHandedOver = this.#backlogOwedToSubscribers();
    this.#subscribers = this.#subscribers.filter((current) => current !== subscriber);
    subscriber.discardPending({ remove: true, notHandedOver });
    if (!subscriber.handling) this.#live.delete(subscriber);

    this.#admitWaitingPublishers();
    if (this.#isIdle()) this.#resolveIdleWaiters();
  }

  #admitWaitingPublishers(): void {
    // Re-entered when an admitted message starts a handler that frees room; the outer loop
    // checks for room again, so the inner call has nothing to add.
    if (this.#admitting) return;
    this.#admitting = true;
    try {
      while (!this.#closed && this.#waitingPublishers.length > 0 && this.#hasRoom()) {
        this.#waitingPublishers.admitNext((message) => this.#accept(message));
      }
    } finally {
      this.#admitting = false;
    }
  }

  #settled(subscriber: ChannelSubscriber<Message>): void {
    if (!this.#subscribers.includes(subscriber)) this.#live.delete(subscriber);
    if (this.#isIdle()) this.#resolveIdleWaiters();
  }

  #isIdle(): boolean {
    if (this.#backlog.length > 0) return false;
    for (const subscriber of this.#live) {
      if (subscriber.handling || subscriber.pending > 0) return false;
    }
    return true;
  }

  #notify(call: () => void): void {
    try {
      call();
    } catch {
      // A failing listener must not stop delivery to this or any other subscriber.
    }
  }

  #resolveIdleWaiters(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
