import type { SimStep } from './sim-step.js';

/** How {@link ScriptQueues.append} queues the steps it is given. */
export interface ScriptOptions {
  /**
   * When true, the last of the given steps repeats forever once reached, until more steps
   * are scripted for the key. Default false: every step answers exactly one request.
   */
  readonly sticky?: boolean;
}

interface QueuedStep {
  readonly step: SimStep;
  readonly sticky: boolean;
  served: boolean;
}

/**
 * Per-API-key FIFO queues of scripted steps. A key with an empty queue answers normally.
 */
export class ScriptQueues {
  readonly #queues = new Map<string, QueuedStep[]>();

  /**
   * Appends `steps` to the queue of `apiKey`. A sticky step that has already answered and
   * was waiting at the end of the queue gives way to the new steps.
   */
  append(apiKey: string, steps: readonly SimStep[], options: ScriptOptions = {}): void {
    const queue = this.#queues.get(apiKey) ?? [];
    const tail = queue.at(-1);
    if (tail !== undefined && tail.sticky && tail.served) queue.pop();

    steps.forEach((step, index) => {
      const sticky = options.sticky === true && index === steps.length - 1;
      queue.push({ step, sticky, served: false });
    });

    if (queue.length > 0) this.#queues.set(apiKey, queue);
  }

  /** The step that answers the next request of `apiKey`, or undefined to answer normally. */
  take(apiKey: string): SimStep | undefined {
    const queue = this.#queues.get(apiKey);
    const head = queue?.[0];
    if (queue === undefined || head === undefined) return undefined;

    head.served = true;
    if (head.sticky && queue.length === 1) return head.step;

    queue.shift();
    if (queue.length === 0) this.#queues.delete(apiKey);
    return head.step;
  }

  /** The steps still queued for `apiKey`, in order (a sticky tail counts once). */
  pending(apiKey: string): readonly SimStep[] {
    return (this.#queues.get(apiKey) ?? []).map((queued) => queued.step);
  }

  /** Drops the queue of `apiKey`, or of every key when none is given. */
  clear(apiKey?: string): void {
    if (apiKey === undefined) this.#queues.clear();
    else this.#queues.delete(apiKey);
  }
}
