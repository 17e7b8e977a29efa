import type { Exchange } from './exchange.js';
import { pause, sendBody, writeChunk } from './http-io.js';
import type { CustomErrorStep } from './sim-step.js';
import type { UpstreamErrorCase, UpstreamErrorEvent } from './upstream-error-cases.js';
import type { WireApi } from './wire-api.js';
import {
  inStreamErrorPayload,
  jsonHeaders,
  simErrorBody,
  sseFrame,
  sseHeaders,
  type SimErrorDetails,
} from './wire-format.js';

/**
 * Answers with a case of `upstream-errors.json` exactly: its status, headers and body, or,
 * for a `stream: true` case, HTTP 200 and its events (`chunkDelayMs` apart).
 */
export async function sendErrorCase(
  exchange: Exchange,
  errorCase: UpstreamErrorCase,
  chunkDelayMs = 0,
): Promise<void> {
  const { api, response, requestId, signal } = exchange;

  if (errorCase.stream !== true) {
    const headers = { ...jsonHeaders(api, requestId), ...errorCase.headers };
    sendBody(response, errorCase.status, headers, errorCase.body);
    return;
  }

  response.writeHead(errorCase.status, { ...sseHeaders(api, requestId), ...errorCase.headers });
  response.flushHeaders();
  for (const [index, event] of errorCase.events.entries()) {
    if (index > 0) await pause(chunkDelayMs, signal);
    await writeChunk(response, errorEventFrame(api, event), signal);
  }
  response.end();
}

/** Answers with an arbitrary status and body; a string body is sent verbatim. */
export function sendCustomError(exchange: Exchange, step: CustomErrorStep): void {
  const contentType =
    typeof step.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  const headers = {
    ...jsonHeaders(exchange.api, exchange.requestId),
    'content-type': contentType,
    ...step.headers,
  };
  sendBody(exchange.response, step.status, headers, step.body);
}

/** Answers with an error raised by the simulator itself, in the API's error shape. */
export function sendSimError(exchange: Exchange, status: number, details: SimErrorDetails): void {
  const { api, requestId } = exchange;
  sendBody(
    exchange.response,
    status,
    jsonHeaders(api, requestId),
    simErrorBody(api, details, requestId),
  );
}

/**
 * The in-stream error event that carries `errorCase` in the wire format of `api`:
 * `event: error` + `data: {"type":"error",...}` (Anthropic) or `data: {"error":{...}}`
 * (OpenAI).
 */
export function inStreamErrorFrame(api: WireApi, errorCase: UpstreamErrorCase): string {
  const body =
    errorCase.stream === true
      ? errorCase.events.find((event) => event.event === 'error')?.data
      : errorCase.body;
  return sseFrame(api, 'error', JSON.stringify(inStreamErrorPayload(api, body ?? {})));
}

function errorEventFrame(api: WireApi, event: UpstreamErrorEvent): string {
  const data = event.event === 'error' ? inStreamErrorPayload(api, event.data) : event.data;
  return sseFrame(api, event.event, JSON.stringify(data));
}
