import type { ScriptedToolCall } from './sim-step.js';
import { splitIntoFragments } from './text-fragments.js';
import { estimateToolTurnTokens } from './token-estimate.js';

/** What an OpenAI Chat Completions answer that asks for tools is built from. */
export interface OpenAiToolCallAnswer {
  /** The `chatcmpl-...` id, shared by every chunk of a stream. */
  readonly id: string;
  /** Unix time of the answer, in seconds (the `created` field). */
  readonly createdSeconds: number;
  /** The model the answer names: the request's. */
  readonly model: string;
  /** Text the model says before the calls; none when undefined. */
  readonly text?: string;
  /** The calls, in order; at least one. */
  readonly calls: readonly ScriptedToolCall[];
  /** Prompt tokens reported in the usage. */
  readonly promptTokens: number;
}

/** How {@link openaiToolCallChunks} streams. */
export interface OpenAiStreamOptions {
  /**
   * Whether the request set `stream_options.include_usage`: every chunk then carries
   * `usage: null` and a last chunk with empty `choices` carries the usage.
   */
  readonly includeUsage: boolean;
}

type JsonObject = Readonly<Record<string, unknown>>;

// Envelope values of the recorded `openai-chat-text` answer.
const SERVICE_TIER = 'default';
const SYSTEM_FINGERPRINT = 'fp_de604bd877';

/** Deltas a streamed string (the text, one call's arguments) is split into, at most. */
const FRAGMENTS_PER_STRING = 3;

/**
 * The non-streaming answer (`chat.completion`): one choice whose message carries
 * `tool_calls` (arguments as compact JSON text), with `finish_reason: 'tool_calls'`.
 */
export function openaiToolCallCompletion(answer: OpenAiToolCallAnswer): JsonObject {
  return {
    id: answer.id,
    object: 'chat.completion',
    created: answer.createdSeconds,
    model: answer.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: answer.text ?? null,
          tool_calls: answer.calls.map((call) => ({
            id: call.id,
            type: 'function',
            function: { name: call.name, arguments: JSON.stringify(call.arguments) },
          })),
          refusal: null,
          annotations: [],
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
    ],
    usage: usageOf(answer),
    service_tier: SERVICE_TIER,
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
}

/**
 * The streamed answer (`chat.completion.chunk` objects, without the `[DONE]` marker): the
 * role, the text in a few deltas, then per call a chunk with its `index`, `id`, `type` and
 * name followed by its arguments in a few fragments, then `finish_reason: 'tool_calls'`
 * and, when asked for, the usage.
 */
export function openaiToolCallChunks(
  answer: OpenAiToolCallAnswer,
  options: OpenAiStreamOptions,
): readonly JsonObject[] {
  const envelope = {
    id: answer.id,
    object: 'chat.completion.chunk',
    created: answer.createdSeconds,
    model: answer.model,
    service_tier: SERVICE_TIER,
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
  const chunk = (delta: JsonObject, finishReason: string | null): JsonObject => ({
    ...envelope,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(options.includeUsage ? { usage: null } : {}),
  });

  const chunks: JsonObject[] = [];
  const text = answer.text ?? '';
  chunks.push(chunk({ role: 'assistant', content: text === '' ? null : '', refusal: null }, null));
  for (const fragment of splitIntoFragments(text, FRAGMENTS_PER_STRING)) {
    chunks.push(chunk({ content: fragment }, null));
  }

  answer.calls.forEach((call, index) => {
    const opening = {
      index,
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: '' },
    };
    chunks.push(chunk({ tool_calls: [opening] }, null));
    const argumentsJson = JSON.stringify(call.arguments);
    for (const fragment of splitIntoFragments(argumentsJson, FRAGMENTS_PER_STRING)) {
      chunks.push(chunk({ tool_calls: [{ index, function: { arguments: fragment } }] }, null));
    }
  });

  chunks.push(chunk({}, 'tool_calls'));
  if (options.includeUsage) chunks.push({ ...envelope, choices: [], usage: usageOf(answer) });
  return chunks;
}

function usageOf(answer: OpenAiToolCallAnswer): JsonObject {
  const completionTokens = estimateToolTurnTokens(answer.text, answer.calls);
  return {
    prompt_tokens: answer.promptTokens,
    completion_tokens: completionTokens,
    total_tokens: answer.promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}
