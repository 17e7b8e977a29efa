import type { MethodName, MethodParams } from '@clawgate/protocol';

/** Options of one request. */
export interface RequestOptions {
  /** Overrides `requestTimeoutMs` for this request, in milliseconds. */
  timeoutMs?: number;
  /** Rejects the request (with the signal's reason) when it aborts. */
  signal?: AbortSignal;
}

/** The arguments of `request(method, ...)`: params may be left out when all are optional. */
export type RequestArguments<Method extends MethodName> =
  {} extends MethodParams<Method>
    ? [params?: MethodParams<Method>, options?: RequestOptions]
    : [params: MethodParams<Method>, options?: RequestOptions];
