import {
  jsonRpcErrorResponseSchema,
  jsonRpcSuccessResponseSchema,
  type JsonRpcId,
} from '@clawgate/protocol';
import { RequestTimeoutError } from './request-timeout-error.js';
import { RpcClientError } from './rpc-client-error.js';

interface PendingRequest {
  method: string;
  resolve: (result: unknown) => void;
  reject: (reason: unknown) => void;
  cleanup: () => void;
}

/** Options of {@link PendingRequests.create}. */
export interface PendingRequestOptions {
  method: string;
  /** Rejects with `RequestTimeoutError` after this many milliseconds. */
  timeoutMs: number;
  /** Rejects with the signal's reason when it aborts. */
  signal?: AbortSignal;
}

/** Requests sent and not yet answered, keyed by their numeric id. */
export class PendingRequests {
  readonly #pending = new Map<JsonRpcId, PendingRequest>();
  #nextId = 1;

  /** Number of requests waiting for a response. */
  get size(): number {
    return this.#pending.size;
  }

  /** Reserves an id and returns the promise its response will settle. */
  create(options: PendingRequestOptions): { id: number; response: Promise<unknown> } {
    const id = this.#nextId;
    this.#nextId += 1;

    const response = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#take(id)?.reject(new RequestTimeoutError(options.method, options.timeoutMs));
      }, options.timeoutMs);
      const onAbort = (): void => this.#take(id)?.reject(options.signal?.reason);
      options.signal?.addEventListener('abort', onAbort, { once: true });

      this.#pending.set(id, {
        method: options.method,
        resolve,
        reject,
        cleanup: () => {
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
        },
      });
    });
    return { id, response };
  }

  /**
   * Settles the request a response answers. Returns false when the value is not a response
   * to a pending request (unknown id, late after a timeout, or malformed).
   */
  settle(value: unknown): boolean {
    const success = jsonRpcSuccessResponseSchema.safeParse(value);
    if (success.success) {
      const pending = this.#take(success.data.id);
      pending?.resolve(success.data.result);
      return pending !== undefined;
    }

    const failure = jsonRpcErrorResponseSchema.safeParse(value);
    if (!failure.success || failure.data.id === null) return false;
    const pending = this.#take(failure.data.id);
    pending?.reject(RpcClientError.fromWire(failure.data.error));
    return pending !== undefined;
  }

  /** Rejects one request, e.g. when sending it failed. */
  reject(id: number, reason: unknown): void {
    this.#take(id)?.reject(reason);
  }

  /** Rejects every pending request with the same reason. */
  rejectAll(reason: unknown): void {
    for (const id of [...this.#pending.keys()]) this.#take(id)?.reject(reason);
  }

  #take(id: JsonRpcId): PendingRequest | undefined {
    const pending = this.#pending.get(id);
    if (pending === undefined) return undefined;
    this.#pending.delete(id);
    pending.cleanup();
    return pending;
  }
}
