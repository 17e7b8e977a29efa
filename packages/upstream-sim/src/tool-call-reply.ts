import { anthropicToolUseEvents, anthropicToolUseMessage } from './anthropic-tool-use-answer.js';
import type { Exchange } from './exchange.js';
import { pause, sendBody, writeChunk } from './http-io.js';
import { openaiToolCallChunks, openaiToolCallCompletion } from './openai-tool-call-answer.js';
import type { ToolCallStep } from './sim-step.js';
import { estimateTokens } from './token-estimate.js';
import type { WireApi } from './wire-api.js';
import {
  jsonHeaders,
  newResponseId,
  OPENAI_DONE_FRAME,
  sseFrame,
  sseHeaders,
} from './wire-format.js';

/** The model an answer names when the request named none: that of the recorded fixtures. */
const FALLBACK_MODELS: Readonly<Record<WireApi, string>> = {
  openai: 'gpt-4.1-nano-2025-04-14',
  anthropic: 'claude-sonnet-4-5-20250929',
};

/**
 * Answers with a model turn that asks for the tools of `step`, synthesised in the wire
 * format of the exchange's API and naming the request's `model`: a JSON answer, or SSE
 * events `step.chunkDelayMs` apart (OpenAI's `[DONE]` follows the last one at once).
 */
export async function sendToolCallAnswer(exchange: Exchange, step: ToolCallStep): Promise<void> {
  const { api, response, requestId, signal } = exchange;
  const answer = {
    id: newResponseId(api),
    model: requestedModel(exchange),
    text: step.text,
    calls: step.calls,
  };
  // Rough, but it grows with the request, as a real prompt count does.
  const inputTokens = estimateTokens(JSON.stringify(exchange.requestBody ?? null));

  let frames: readonly string[];
  if (api === 'openai') {
    const openaiAnswer = {
      ...answer,
      createdSeconds: Math.floor(Date.now() / 1000),
      promptTokens: inputTokens,
    };
    if (!exchange.stream) {
      sendBody(response, 200, jsonHeaders(api, requestId), openaiToolCallCompletion(openaiAnswer));
      return;
    }
    const includeUsage = requestsUsage(exchange);
    frames = openaiToolCallChunks(openaiAnswer, { includeUsage }).map((chunk) =>
      sseFrame(api, '', JSON.stringify(chunk)),
    );
  } else {
    const anthropicAnswer = { ...answer, inputTokens };
    if (!exchange.stream) {
      sendBody(
        response,
        200,
        jsonHeaders(api, requestId),
        anthropicToolUseMessage(anthropicAnswer),
      );
      return;
    }
    frames = anthropicToolUseEvents(anthropicAnswer).map((event) =>
      sseFrame(api, event.type, JSON.stringify(event)),
    );
  }

  response.writeHead(200, sseHeaders(api, requestId));
  response.flushHeaders();
  for (const [index, frame] of frames.entries()) {
    if (index > 0) await pause(step.chunkDelayMs ?? 0, signal);
    await writeChunk(response, frame, signal);
  }
  if (api === 'openai') await writeChunk(response, OPENAI_DONE_FRAME, signal);
  response.end();
}

function requestedModel(exchange: Exchange): string {
  const model = field(exchange.requestBody, 'model');
  return typeof model === 'string' && model !== '' ? model : FALLBACK_MODELS[exchange.api];
}

function requestsUsage(exchange: Exchange): boolean {
  return field(field(exchange.requestBody, 'stream_options'), 'include_usage') === true;
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? Reflect.get(value, name) : undefined;
}
