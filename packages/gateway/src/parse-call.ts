import {
  type JsonRpcId,
  jsonRpcNotificationSchema,
  jsonRpcRequestSchema,
} from '@clawgate/protocol';

/** One well-formed call read from a frame. */
export type ParsedCall =
  | { kind: 'request'; id: JsonRpcId; method: string; params: unknown }
  | { kind: 'notification'; method: string; params: unknown };

/** Reads one JSON value as a request or notification; `undefined` when it is neither. */
export function parseCall(value: unknown): ParsedCall | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;

  if ('id' in value) {
    const request = jsonRpcRequestSchema.safeParse(value);
    if (!request.success) return undefined;
    const { id, method, params } = request.data;
    return { kind: 'request', id, method, params };
  }

  const notification = jsonRpcNotificationSchema.safeParse(value);
  if (!notification.success) return undefined;
  const { method, params } = notification.data;
  return { kind: 'notification', method, params };
}

/** Parses a whole frame as one call; `undefined` for invalid JSON, batches and invalid calls. */
export function parseSingleCall(text: string): ParsedCall | undefined {
  try {
    return parseCall(JSON.parse(text));
  } catch {
    return undefined;
  }
}
