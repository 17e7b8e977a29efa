import { JSONRPC_ERRORS, JSONRPC_ERROR_MESSAGES } from './json-rpc-errors.js';
import { SERVER_ERROR_NUMBERS, type ServerErrorCode } from './server-error-codes.js';

const rpcErrorBrand = Symbol.for('@clawgate/protocol/RpcError');

/**
 * The `data` member of a wire error. Server errors always carry `code`; standard JSON-RPC
 * errors (e.g. invalid params) carry their own details, such as `issues`, and no `code`.
 */
export interface RpcErrorData {
  /** Stable machine-readable reason; present on every server error (-32000..-32099). */
  code?: ServerErrorCode;
  /** How long the caller should wait before retrying, in milliseconds. */
  retryAfterMs?: number;
  [key: string]: unknown;
}

/** Extra `data` members of a server error, besides its `code`. */
export type ServerErrorExtraData = Omit<RpcErrorData, 'code'>;

/** Options of the {@link RpcError} constructor. */
export interface RpcErrorOptions {
  /** JSON-RPC `error.code`. */
  code: number;
  /** Human-readable message; it reaches the client, so it must hold no secret. */
  message: string;
  /** JSON-RPC `error.data`. */
  data?: RpcErrorData;
  /** The underlying error; kept on the server, never serialised. */
  cause?: unknown;
}

/**
 * An error meant for the client: thrown from a method handler, it is sent as is.
 * Any other thrown value becomes a bare `-32603 Internal error`.
 */
export class RpcError extends Error {
  override readonly name = 'RpcError';
  /** JSON-RPC `error.code`. */
  readonly code: number;
  /** JSON-RPC `error.data`, if any (declared so that the property is absent when unset). */
  declare readonly data?: RpcErrorData;
  readonly [rpcErrorBrand] = true;

  constructor(options: RpcErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    if (options.data !== undefined) this.data = options.data;
  }

  /**
   * A server-defined error: `error.code` from `SERVER_ERROR_NUMBERS`, `error.data.code` = `code`.
   * @example RpcError.server('RATE_LIMITED', 'Too many requests', { retryAfterMs: 1_000 })
   */
  static server(
    code: ServerErrorCode,
    message: string,
    extraData?: ServerErrorExtraData,
  ): RpcError {
    return new RpcError({
      code: SERVER_ERROR_NUMBERS[code],
      message,
      data: { ...extraData, code },
    });
  }

  /** A `-32602 Invalid params` error; `details` becomes `error.data` (e.g. `{ issues }`). */
  static invalidParams(
    message: string = JSONRPC_ERROR_MESSAGES.INVALID_PARAMS,
    details?: RpcErrorData,
  ): RpcError {
    return new RpcError({
      code: JSONRPC_ERRORS.INVALID_PARAMS,
      message,
      ...(details === undefined ? {} : { data: details }),
    });
  }

  /** A `-32601 Method not found` error. */
  static methodNotFound(): RpcError {
    return new RpcError({
      code: JSONRPC_ERRORS.METHOD_NOT_FOUND,
      message: JSONRPC_ERROR_MESSAGES.METHOD_NOT_FOUND,
    });
  }

  /** A `-32600 Invalid Request` error. */
  static invalidRequest(): RpcError {
    return new RpcError({
      code: JSONRPC_ERRORS.INVALID_REQUEST,
      message: JSONRPC_ERROR_MESSAGES.INVALID_REQUEST,
    });
  }

  /** A `-32700 Parse error` error. */
  static parseError(): RpcError {
    return new RpcError({
      code: JSONRPC_ERRORS.PARSE_ERROR,
      message: JSONRPC_ERROR_MESSAGES.PARSE_ERROR,
    });
  }

  /** A `-32603 Internal error` error, with no details. */
  static internal(): RpcError {
    return new RpcError({
      code: JSONRPC_ERRORS.INTERNAL_ERROR,
      message: JSONRPC_ERROR_MESSAGES.INTERNAL_ERROR,
    });
  }
}

/**
 * Type guard for {@link RpcError}. It checks a brand rather than the prototype, so it also
 * recognises errors created by another copy of this package.
 */
export function isRpcError(value: unknown): value is RpcError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[rpcErrorBrand] === true
  );
}
