import { JSONRPC_ERRORS, JSONRPC_ERROR_MESSAGES } from './json-rpc-errors.js';
import { isRpcError, type RpcErrorData } from './rpc-error.js';

/** The `error` member of a JSON-RPC error response, as the server sends it. */
export interface WireError {
  code: number;
  message: string;
  data?: RpcErrorData;
}

/**
 * Turns any thrown value into the `error` member of a response.
 * An {@link RpcError} keeps its code, message and data; anything else becomes
 * `{ code: -32603, message: 'Internal error' }`, so no message or stack leaves the server.
 */
export function toWireError(thrown: unknown): WireError {
  if (!isRpcError(thrown)) {
    return { code: JSONRPC_ERRORS.INTERNAL_ERROR, message: JSONRPC_ERROR_MESSAGES.INTERNAL_ERROR };
  }

  const wireError: WireError = { code: thrown.code, message: thrown.message };
  if (thrown.data !== undefined) wireError.data = thrown.data;
  return wireError;
}
