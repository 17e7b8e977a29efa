import {
  ProviderError,
  type FinishReason,
  type StreamEvent,
  type Usage,
} from '@clawgate/providers-core';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';

const FINISH_REASONS: Record<string, FinishReason> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  function_call: 'tool_calls',
  content_filter: 'content_filter',
};

interface PendingToolCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * Turns Chat Completions chunks into neutral stream events. Tool-call fragments are
 * accumulated by index and emitted whole once the choice finishes; `finish` is emitted once
 * the stream ends, with the usage of the final chunk. A stream that ends without a finish
 * reason was cut, which is a `network` failure, never a clean finish.
 */
export async function* mapOpenAIStream(
  chunks: AsyncIterable<ChatCompletionChunk>,
): AsyncGenerator<StreamEvent> {
  const toolCalls = new Map<number, PendingToolCall>();
  let finishReason: FinishReason | undefined;
  let usage: Usage = { inputTokens: 0, outputTokens: 0 };
  let sentMetadata = false;

  for await (const chunk of chunks) {
    if (!sentMetadata) {
      sentMetadata = true;
      yield { type: 'metadata', responseId: chunk.id, model: chunk.model };
    }
    if (chunk.usage) {
      usage = {
        inputTokens: chunk.usage.prompt_tokens,
        outputTokens: chunk.usage.completion_tokens,
      };
    }
    const choice = chunk.choices[0];
    if (!choice) continue;

    const text = choice.delta?.content;
    if (text) yield { type: 'text-delta', text };

    for (const fragment of choice.delta?.tool_calls ?? []) {
      const pending = toolCalls.get(fragment.index) ?? { id: '', name: '', arguments: '' };
      pending.id ||= fragment.id ?? '';
      pending.name ||= fragment.function?.name ?? '';
      pending.arguments += fragment.function?.arguments ?? '';
      toolCalls.set(fragment.index, pending);
    }

    if (choice.finish_reason) {
      finishReason = FINISH_REASONS[choice.finish_reason] ?? 'other';
      for (const [, call] of [...toolCalls].sort(([left], [right]) => left - right)) {
        yield { type: 'tool-call', toolCall: { ...call, arguments: call.arguments || '{}' } };
      }
      toolCalls.clear();
    }
  }

  if (!finishReason) {
    throw new ProviderError('stream ended before the model finished', { reason: 'network' });
  }
  yield { type: 'finish', finishReason, usage };
}
