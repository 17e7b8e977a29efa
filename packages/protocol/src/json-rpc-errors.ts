/**
 * Error codes defined by JSON-RPC 2.0 itself.
 * Server-defined codes live in `SERVER_ERROR_NUMBERS` (-32000..-32099).
 */
export const JSONRPC_ERRORS = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
} as const;

/** Name of a JSON-RPC 2.0 standard error, e.g. `'PARSE_ERROR'`. */
export type JsonRpcErrorName = keyof typeof JSONRPC_ERRORS;

/** Number of a JSON-RPC 2.0 standard error, e.g. `-32700`. */
export type JsonRpcErrorNumber = (typeof JSONRPC_ERRORS)[JsonRpcErrorName];

/** The message the specification gives each standard error; sent verbatim on the wire. */
export const JSONRPC_ERROR_MESSAGES = {
  PARSE_ERROR: 'Parse error',
  INVALID_REQUEST: 'Invalid Request',
  METHOD_NOT_FOUND: 'Method not found',
  INVALID_PARAMS: 'Invalid params',
  INTERNAL_ERROR: 'Internal error',
} as const satisfies Record<JsonRpcErrorName, string>;
