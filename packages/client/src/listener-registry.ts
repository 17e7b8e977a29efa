// Listeners of different events take different arguments; the registry only forwards them.
type Listener = (...args: never[]) => void;

/**
 * Listeners keyed by event name. A throwing listener does not stop the others; its error is
 * rethrown on a later tick, where it surfaces like any uncaught error of an event handler.
 */
export class ListenerRegistry {
  readonly #listeners = new Map<string, Set<Listener>>();

  /** Adds a listener; returns the function that removes it. */
  add(event: string, listener: Listener): () => void {
    let listeners = this.#listeners.get(event);
    if (listeners === undefined) {
      listeners = new Set();
      this.#listeners.set(event, listeners);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }

  /** Calls every listener of an event with the same arguments. */
  emit(event: string, args: unknown[]): void {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) {
      try {
        (listener as (...values: unknown[]) => void)(...args);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
