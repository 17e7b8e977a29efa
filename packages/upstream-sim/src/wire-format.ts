import { randomBytes } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';

import type { WireApi } from './wire-api.js';

/** The frame that ends a complete OpenAI stream. */
export const OPENAI_DONE_FRAME = 'data: [DONE]\n\n';

/** The provider-shaped error fields the simulator itself can raise. */
export interface SimErrorDetails {
  /** Provider error type, e.g. `invalid_request_error`. */
  readonly type: string;
  readonly message: string;
}

/** The response header that carries the request id: `x-request-id` or `request-id`. */
export function requestIdHeader(api: WireApi): string {
  return api === 'openai' ? 'x-request-id' : 'request-id';
}

/** A fresh request id in the style of the API (`req_<hex>`). */
export function newRequestId(api: WireApi): string {
  return `req_${randomBytes(api === 'openai' ? 16 : 12).toString('hex')}`;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A fresh id of a synthesised answer in the style of the API: `chatcmpl-` and 29
 * alphanumerics (OpenAI), `msg_01` and 22 alphanumerics (Anthropic), as real answers carry.
 */
export function newResponseId(api: WireApi): string {
  const length = api === 'openai' ? 29 : 22;
  const random = [...randomBytes(length)]
    .map((byte) => ID_ALPHABET[byte % ID_ALPHABET.length] ?? 'A')
    .join('');
  return api === 'openai' ? `chatcmpl-${random}` : `msg_01${random}`;
}

/** Headers of a JSON answer. */
export function jsonHeaders(api: WireApi, requestId: string): OutgoingHttpHeaders {
  return { 'content-type': 'application/json', [requestIdHeader(api)]: requestId };
}

/** Headers of a server-sent-events answer. */
export function sseHeaders(api: WireApi, requestId: string): OutgoingHttpHeaders {
  return {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    [requestIdHeader(api)]: requestId,
  };
}

/**
 * One SSE frame in the API's framing: OpenAI sends bare `data:` lines, Anthropic names
 * every event with an `event:` line.
 */
export function sseFrame(api: WireApi, eventName: string, dataJson: string): string {
  return api === 'openai' ? `data: ${dataJson}\n\n` : `event: ${eventName}\ndata: ${dataJson}\n\n`;
}

/** The SSE frame of one recorded event (raw JSON text), named after its `type`. */
export function recordedEventFrame(api: WireApi, chunkJson: string): string {
  if (api === 'openai') return sseFrame(api, '', chunkJson);

  const parsed: unknown = JSON.parse(chunkJson);
  const type = typeof parsed === 'object' && parsed !== null ? Reflect.get(parsed, 'type') : '';
  return sseFrame(api, typeof type === 'string' ? type : 'message', chunkJson);
}

/** An error body raised by the simulator itself, in the API's error shape. */
export function simErrorBody(api: WireApi, details: SimErrorDetails, requestId: string): unknown {
  if (api === 'openai') {
    return { error: { message: details.message, type: details.type, param: null, code: null } };
  }
  return {
    type: 'error',
    error: { type: details.type, message: details.message },
    request_id: requestId,
  };
}

/**
 * Reshapes an error body into the in-stream error payload of `api`: OpenAI sends
 * `{"error":{...}}`, Anthropic sends `{"type":"error","error":{...}}` (a body already in
 * that shape is kept whole, with its `request_id`).
 */
export function inStreamErrorPayload(api: WireApi, body: unknown): unknown {
  const isObject = typeof body === 'object' && body !== null;
  const error: unknown = (isObject ? Reflect.get(body, 'error') : undefined) ?? body;

  if (api === 'openai') return { error };
  if (isObject && Reflect.get(body, 'type') === 'error') return body;
  return { type: 'error', error };
}
