import { type JsonRpcId, type WireError, toWireError } from '@clawgate/protocol';

/**
 * Serialises a success response. Throws when `result` cannot be turned into JSON (a cycle,
 * a BigInt), so the caller can answer with an error instead.
 */
export function serializeSuccess(id: JsonRpcId, result: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', id, result: result ?? null });
}

/** Serialises an error response; unserialisable data turns it into a bare internal error. */
export function serializeError(id: JsonRpcId | null, error: WireError): string {
  try {
    return JSON.stringify({ jsonrpc: '2.0', id, error });
  } catch {
    return JSON.stringify({ jsonrpc: '2.0', id, error: toWireError(undefined) });
  }
}

/** Serialises a notification. */
export function serializeNotification(method: string, params: object): string {
  return JSON.stringify({ jsonrpc: '2.0', method, params });
}
