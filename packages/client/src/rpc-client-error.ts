import {
  SERVER_ERROR_NUMBERS,
  isServerErrorCode,
  type JsonRpcErrorObject,
} from '@clawgate/protocol';

const rpcClientErrorBrand = Symbol.for('@clawgate/client/RpcClientError');

/** Options of the {@link RpcClientError} constructor: a wire error object. */
export interface RpcClientErrorOptions {
  code: number;
  message: string;
  data?: unknown;
}

function readDataMember(data: unknown, name: string): unknown {
  return typeof data === 'object' && data !== null
    ? (data as Record<string, unknown>)[name]
    : undefined;
}

/** The gateway answered with an error: a JSON-RPC error response, or a refused upgrade. */
export class RpcClientError extends Error {
  override readonly name = 'RpcClientError';
  /** JSON-RPC `error.code`, e.g. -32602 or -32001. */
  readonly code: number;
  /** `error.data.code`, the stable server reason, e.g. `'UNAUTHORIZED'`. */
  declare readonly dataCode?: string;
  /** `error.data.retryAfterMs`: how long to wait before retrying, in milliseconds. */
  declare readonly retryAfterMs?: number;
  /** The whole `error.data`, e.g. `{ issues }` for invalid params. */
  declare readonly data?: unknown;
  readonly [rpcClientErrorBrand] = true;

  constructor(options: RpcClientErrorOptions) {
    super(options.message);
    this.code = options.code;
    if (options.data === undefined) return;

    this.data = options.data;
    const dataCode = readDataMember(options.data, 'code');
    if (typeof dataCode === 'string') this.dataCode = dataCode;
    const retryAfterMs = readDataMember(options.data, 'retryAfterMs');
    if (typeof retryAfterMs === 'number') this.retryAfterMs = retryAfterMs;
  }

  /** Builds the error from the `error` member of a response. */
  static fromWire(error: JsonRpcErrorObject): RpcClientError {
    return new RpcClientError(error);
  }

  /**
   * Builds the error from a refused upgrade's JSON body (`{"error":{"code","message"}}`).
   * A 401 without a readable body still reads as `UNAUTHORIZED`.
   */
  static fromUpgradeRefusal(status: number, body: string): RpcClientError {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
    const error = readDataMember(parsed, 'error');
    const bodyCode = readDataMember(error, 'code');
    const bodyMessage = readDataMember(error, 'message');
    const retryAfterMs = readDataMember(error, 'retryAfterMs');

    const fallbackCode = status === 401 || status === 403 ? 'UNAUTHORIZED' : 'INTERNAL';
    const dataCode = typeof bodyCode === 'string' ? bodyCode : fallbackCode;
    return new RpcClientError({
      code: isServerErrorCode(dataCode)
        ? SERVER_ERROR_NUMBERS[dataCode]
        : SERVER_ERROR_NUMBERS.INTERNAL,
      message:
        typeof bodyMessage === 'string' ? bodyMessage : `Upgrade refused with HTTP ${status}`,
      data: {
        code: dataCode,
        status,
        ...(typeof retryAfterMs === 'number' ? { retryAfterMs } : {}),
      },
    });
  }
}

/** Type guard for {@link RpcClientError}, also across copies of this package. */
export function isRpcClientError(value: unknown): value is RpcClientError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[rpcClientErrorBrand] === true
  );
}
