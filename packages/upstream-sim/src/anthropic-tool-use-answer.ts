import type { ScriptedToolCall } from './sim-step.js';
import { splitIntoFragments } from './text-fragments.js';
import { estimateToolTurnTokens } from './token-estimate.js';

/** What an Anthropic Messages answer that asks for tools is built from. */
export interface AnthropicToolUseAnswer {
  /** The `msg_01...` id of the message. */
  readonly id: string;
  /** The model the answer names: the request's. */
  readonly model: string;
  /** Text the model says before the calls; none when undefined. */
  readonly text?: string;
  /** The calls, in order, one `tool_use` block each; at least one. */
  readonly calls: readonly ScriptedToolCall[];
  /** Input tokens reported in the usage. */
  readonly inputTokens: number;
}

/** One streamed Messages event; its `type` is also the SSE event name. */
export interface AnthropicStreamEvent {
  readonly type: string;
  readonly [field: string]: unknown;
}

type JsonObject = Readonly<Record<string, unknown>>;

/** Deltas a streamed string (the text, one call's input JSON) is split into, at most. */
const FRAGMENTS_PER_STRING = 3;

/**
 * The non-streaming answer: a `message` whose content is the text block (when there is
 * text) and one `tool_use` block per call, with `stop_reason: 'tool_use'`.
 */
export function anthropicToolUseMessage(answer: AnthropicToolUseAnswer): JsonObject {
  const textBlocks = answer.text === undefined ? [] : [{ type: 'text', text: answer.text }];
  const toolUseBlocks = answer.calls.map((call) => ({
    type: 'tool_use',
    id: call.id,
    name: call.name,
    input: call.arguments,
  }));
  return {
    ...messageHead(answer),
    content: [...textBlocks, ...toolUseBlocks],
    stop_reason: 'tool_use',
    stop_sequence: null,
    usage: messageUsage(answer, estimateToolTurnTokens(answer.text, answer.calls)),
  };
}

/**
 * The streamed answer: `message_start`, the text block (when there is text) in a few
 * `text_delta`s, one `tool_use` block per call whose input arrives as `input_json_delta`
 * fragments, then `message_delta` with `stop_reason: 'tool_use'` and `message_stop`.
 */
export function anthropicToolUseEvents(
  answer: AnthropicToolUseAnswer,
): readonly AnthropicStreamEvent[] {
  const events: AnthropicStreamEvent[] = [
    {
      type: 'message_start',
      message: {
        ...messageHead(answer),
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: messageUsage(answer, 1),
      },
    },
  ];

  const blocks: { start: JsonObject; deltas: JsonObject[] }[] = [];
  if (answer.text !== undefined) {
    const deltas = splitIntoFragments(answer.text, FRAGMENTS_PER_STRING).map((text) => ({
      type: 'text_delta',
      text,
    }));
    blocks.push({ start: { type: 'text', text: '' }, deltas });
  }
  for (const call of answer.calls) {
    const inputJson = JSON.stringify(call.arguments);
    const deltas = splitIntoFragments(inputJson, FRAGMENTS_PER_STRING).map((partialJson) => ({
      type: 'input_json_delta',
      partial_json: partialJson,
    }));
    blocks.push({ start: { type: 'tool_use', id: call.id, name: call.name, input: {} }, deltas });
  }

  blocks.forEach((block, index) => {
    events.push({ type: 'content_block_start', index, content_block: block.start });
    // Real streams send a keep-alive ping after the first block opens.
    if (index === 0) events.push({ type: 'ping' });
    for (const delta of block.deltas) events.push({ type: 'content_block_delta', index, delta });
    events.push({ type: 'content_block_stop', index });
  });

  events.push(
    {
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: {
        input_tokens: answer.inputTokens,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: estimateToolTurnTokens(answer.text, answer.calls),
      },
    },
    { type: 'message_stop' },
  );
  return events;
}

function messageHead(answer: AnthropicToolUseAnswer): JsonObject {
  return { model: answer.model, id: answer.id, type: 'message', role: 'assistant' };
}

function messageUsage(answer: AnthropicToolUseAnswer, outputTokens: number): JsonObject {
  return {
    input_tokens: answer.inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}
