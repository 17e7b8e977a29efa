import { ProviderError } from './provider-error.js';

/**
 * Waits for the next stream event, but no longer than `idleTimeoutMs` and not past `signal`:
 * a stream that stalls past the idle timeout is a `timeout` (`onIdle` receives the error and
 * aborts the upstream), and an aborted signal ends the wait at once with its reason, even when
 * the provider ignores its signal.
 */
export function nextWithin<T>(
  next: Promise<IteratorResult<T>>,
  options: {
    idleTimeoutMs: number;
    signal: AbortSignal;
    onIdle: (error: ProviderError) => void;
  },
): Promise<IteratorResult<T>> {
  const { idleTimeoutMs, signal, onIdle } = options;
  return new Promise((resolve, reject) => {
    // The abandoned read may reject later, once the upstream notices; nobody awaits it.
    next.catch(() => undefined);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = Number.isFinite(idleTimeoutMs)
      ? setTimeout(() => {
          onIdle(
            new ProviderError(`stream idle for more than ${idleTimeoutMs} ms`, {
              reason: 'timeout',
            }),
          );
        }, idleTimeoutMs)
      : undefined;
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    next.then(
      (value) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
