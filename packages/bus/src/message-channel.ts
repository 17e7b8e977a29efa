import { BusClosedError } from './bus-closed-error.js';
import type { BusHandler, BusHandlerErrorListener } from './bus-message.js';

/** Options of a {@link MessageChannel}. */
export interface MessageChannelOptions<Message> {
  /** Most messages queued before `publish` waits for room; default 1000. */
  capacity?: number;
  /** Receives errors thrown by subscribers; they are otherwise dropped. */
  onHandlerError?: BusHandlerErrorListener<Message>;
}

/** Options of one {@link MessageChannel.publish} call. */
export interface PublishOptions {
  /** Gives up waiting for room; the publish rejects with the signal's reason. */
  signal?: AbortSignal;
}

interface WaitingPublisher<Message> {
  message: Message;
  resolve: () => void;
  reject: (reason: unknown) => void;
}

/** Default {@link MessageChannelOptions.capacity}. */
export const DEFAULT_CHANNEL_CAPACITY = 1000;

/**
 * A bounded FIFO queue with fan-out delivery. Each message goes to every subscriber, one
 * message at a time and in publish order; `publish` resolves once the message is queued
 * and waits while the queue is full. Messages wait in the queue while nobody subscribes.
 */
export class MessageChannel<Message> {
  readonly #capacity: number;
  readonly #onHandlerError: BusHandlerErrorListener<Message> | undefined;
  readonly #queue: Message[] = [];
  readonly #waitingPublishers: Array<WaitingPublisher<Message>> = [];
  readonly #subscribers = new Set<BusHandler<Message>>();
  #idleWaiters: Array<() => void> = [];
  #delivery: Promise<void> | undefined;
  #closed = false;

  constructor(options: MessageChannelOptions<Message> = {}) {
    const capacity = options.capacity ?? DEFAULT_CHANNEL_CAPACITY;
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, got ${String(capacity)}`);
    }
    this.#capacity = capacity;
    this.#onHandlerError = options.onHandlerError;
  }

  /** Messages queued and not yet delivered (not counting publishers waiting for room). */
  get size(): number {
    return this.#queue.length;
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Queues a message; waits while the queue is full. Rejects with `BusClosedError` once closed. */
  publish(message: Message, options: PublishOptions = {}): Promise<void> {
    if (this.#closed) return Promise.reject(new BusClosedError());
    options.signal?.throwIfAborted();

    if (this.#queue.length < this.#capacity) {
      this.#queue.push(message);
      this.#startDelivery();
      return Promise.resolve();
    }

    return new Promise<void>((resolve, reject) => {
      const signal = options.signal;
      const onAbort = (): void => {
        const index = this.#waitingPublishers.indexOf(waiter);
        if (index !== -1) this.#waitingPublishers.splice(index, 1);
        reject(signal?.reason);
      };
      const waiter: WaitingPublisher<Message> = {
        message,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (reason) => {
          signal?.removeEventListener('abort', onAbort);
          reject(reason);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waitingPublishers.push(waiter);
    });
  }

  /** Adds a subscriber; returns a function that removes it (calling it twice is harmless). */
  subscribe(handler: BusHandler<Message>): () => void {
    this.#subscribers.add(handler);
    this.#startDelivery();
    return () => {
      this.#subscribers.delete(handler);
    };
  }

  /** Resolves once the queue is empty and no delivery is in flight. */
  idle(): Promise<void> {
    if (this.#queue.length === 0 && this.#delivery === undefined) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Stops the channel: queued messages are dropped, waiting publishers reject with
   * `BusClosedError`, and the returned promise resolves after the delivery in flight.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#queue.length = 0;
    for (const waiter of this.#waitingPublishers.splice(0)) waiter.reject(new BusClosedError());
    this.#subscribers.clear();
    await this.#delivery;
    this.#resolveIdleWaiters();
  }

  #startDelivery(): void {
    if (this.#delivery !== undefined || this.#subscribers.size === 0) return;
    this.#delivery = this.#deliverQueued().finally(() => {
      this.#delivery = undefined;
      if (this.#queue.length === 0) this.#resolveIdleWaiters();
      else this.#startDelivery();
    });
  }

  async #deliverQueued(): Promise<void> {
    while (!this.#closed && this.#subscribers.size > 0) {
      const message = this.#queue.shift();
      if (message === undefined) return;
      this.#admitWaitingPublisher();

      for (const handler of [...this.#subscribers]) {
        try {
          await handler(message);
        } catch (error) {
          this.#reportHandlerError(error, message);
        }
      }
    }
  }

  #admitWaitingPublisher(): void {
    const waiter = this.#waitingPublishers.shift();
    if (waiter === undefined) return;
    this.#queue.push(waiter.message);
    waiter.resolve();
  }

  #reportHandlerError(error: unknown, message: Message): void {
    try {
      this.#onHandlerError?.(error, message);
    } catch {
      // A failing error listener must not stop delivery to the other subscribers.
    }
  }

  #resolveIdleWaiters(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
