/** Resolves after `delayMs`, or rejects with the signal's reason once it aborts. */
export function sleep(delayMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, delayMs);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A controller that aborts when any parent signal aborts or when `timeoutMs` elapses (timers
 * come from `setTimeout`, so fake timers control them). Call `dispose` when done.
 */
export function linkedController(
  parents: ReadonlyArray<AbortSignal | undefined>,
  timeoutMs?: number,
): { controller: AbortController; dispose: () => void } {
  const controller = new AbortController();
  const abort = (reason: unknown): void => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  const cleanups: Array<() => void> = [];
  for (const parent of parents) {
    if (!parent) continue;
    if (parent.aborted) abort(parent.reason);
    const listener = (): void => abort(parent.reason);
    parent.addEventListener('abort', listener, { once: true });
    cleanups.push(() => parent.removeEventListener('abort', listener));
  }
  if (timeoutMs !== undefined && Number.isFinite(timeoutMs)) {
    const timer = setTimeout(() => abort(new DeadlineExceededError(timeoutMs)), timeoutMs);
    cleanups.push(() => clearTimeout(timer));
  }
  return { controller, dispose: () => cleanups.forEach((cleanup) => cleanup()) };
}

/** The reason a call's own deadline aborts it. */
export class DeadlineExceededError extends Error {
  constructor(readonly deadlineMs: number) {
    super(`call deadline of ${deadlineMs} ms exceeded`);
    this.name = 'DeadlineExceededError';
  }
}
