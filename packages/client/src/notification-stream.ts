/** A notification as `GatewayClient.events()` yields it. */
export interface ClientNotification {
  method: string;
  params: unknown;
}

/**
 * An async iterator over pushed notifications. It buffers what the consumer has not read
 * yet and ends when the client closes or the consumer breaks out of its loop.
 */
export class NotificationStream implements AsyncIterableIterator<ClientNotification> {
  readonly #buffered: ClientNotification[] = [];
  readonly #waiting: Array<(result: IteratorResult<ClientNotification>) => void> = [];
  readonly #onReturn: () => void;
  #ended = false;

  /** @param onReturn called once when the stream ends, to unsubscribe it */
  constructor(onReturn: () => void) {
    this.#onReturn = onReturn;
  }

  /** Hands a notification to the consumer, or buffers it. */
  push(notification: ClientNotification): void {
    if (this.#ended) return;
    const waiter = this.#waiting.shift();
    // TODO: bound the buffer (drop or close) once slow consumers of busy sessions exist.
    if (waiter === undefined) this.#buffered.push(notification);
    else waiter({ value: notification, done: false });
  }

  /** Ends the stream; buffered notifications are still yielded first. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#onReturn();
    for (const waiter of this.#waiting.splice(0)) waiter({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<ClientNotification>> {
    const buffered = this.#buffered.shift();
    if (buffered !== undefined) return Promise.resolve({ value: buffered, done: false });
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  return(): Promise<IteratorResult<ClientNotification>> {
    this.#buffered.length = 0;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ClientNotification> {
    return this;
  }
}
