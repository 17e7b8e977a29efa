interface WaitingPublisher<Message> {
  message: Message;
  resolve: () => void;
  reject: (reason: unknown) => void;
}

/**
 * The `publish` calls of a channel that wait for room, oldest first. Internal to the
 * package: the channel decides when there is room and admits them one by one.
 */
export class PublisherQueue<Message> {
  readonly #waiting: Array<WaitingPublisher<Message>> = [];

  /** How many publishers wait. */
  get length(): number {
    return this.#waiting.length;
  }

  /**
   * Waits until {@link admitNext} hands this message over; rejects with the signal's reason
   * if the signal aborts first, or with the reason given to {@link rejectAll}.
   */
  wait(message: Message, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.#waiting.indexOf(waiter);
        if (index !== -1) this.#waiting.splice(index, 1);
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
      this.#waiting.push(waiter);
    });
  }

  /** Hands the oldest waiting message to `accept`, then resolves its publish. */
  admitNext(accept: (message: Message) => void): void {
    const waiter = this.#waiting.shift();
    if (waiter === undefined) return;
    accept(waiter.message);
    waiter.resolve();
  }

  /** Rejects every waiting publish with `reason`. */
  rejectAll(reason: () => unknown): void {
    for (const waiter of this.#waiting.splice(0)) waiter.reject(reason());
  }
}
