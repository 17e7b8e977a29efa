import { ProviderError } from './provider-error.js';

/**
 * Waits for the next stream event, but no longer than `idleTimeoutMs`: a stream that stalls
 * past it is a `timeout`, and `onTimeout` runs (the caller aborts the upstream request).
 */
export function nextWithin<T>(
  next: Promise<IteratorResult<T>>,
  idleTimeoutMs: number,
  onTimeout: () => void,
): Promise<IteratorResult<T>> {
  if (!Number.isFinite(idleTimeoutMs)) return next;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      // The abandoned read will reject once the upstream is aborted; nobody awaits it.
      next.catch(() => undefined);
      onTimeout();
      reject(
        new ProviderError(`stream idle for more than ${idleTimeoutMs} ms`, { reason: 'timeout' }),
      );
    }, idleTimeoutMs);
    next.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
