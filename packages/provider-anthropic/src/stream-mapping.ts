import { ProviderError, type FinishReason, type StreamEvent } from '@clawgate/providers-core';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';

const STOP_REASONS: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

interface PendingToolUse {
  id: string;
  name: string;
  json: string;
  input: unknown;
}

/**
 * Turns Messages stream events into neutral stream events. Tool-use blocks are emitted whole
 * when they stop. A stream that ends without `message_stop` was cut, which is a `network`
 * failure, never a clean finish.
 */
export async function* mapAnthropicStream(
  events: AsyncIterable<RawMessageStreamEvent>,
): AsyncGenerator<StreamEvent> {
  const toolUses = new Map<number, PendingToolUse>();
  let inputTokens = 0;
  let outputTokens = 0;
  let finishReason: FinishReason = 'other';
  let stopped = false;

  for await (const event of events) {
    switch (event.type) {
      case 'message_start':
        inputTokens = event.message.usage.input_tokens;
        outputTokens = event.message.usage.output_tokens;
        yield { type: 'metadata', responseId: event.message.id, model: event.message.model };
        break;
      case 'content_block_start':
        if (event.content_block.type === 'tool_use') {
          const { id, name, input } = event.content_block;
          toolUses.set(event.index, { id, name, json: '', input });
        }
        break;
      case 'content_block_delta':
        if (event.delta.type === 'text_delta' && event.delta.text) {
          yield { type: 'text-delta', text: event.delta.text };
        } else if (event.delta.type === 'input_json_delta') {
          const pending = toolUses.get(event.index);
          if (pending) pending.json += event.delta.partial_json;
        }
        break;
      case 'content_block_stop': {
        const pending = toolUses.get(event.index);
        if (pending) {
          toolUses.delete(event.index);
          const argumentsText = pending.json || JSON.stringify(pending.input ?? {});
          yield {
            type: 'tool-call',
            toolCall: { id: pending.id, name: pending.name, arguments: argumentsText },
          };
        }
        break;
      }
      case 'message_delta':
        if (event.delta.stop_reason)
          finishReason = STOP_REASONS[event.delta.stop_reason] ?? 'other';
        outputTokens = event.usage.output_tokens ?? outputTokens;
        if (typeof event.usage.input_tokens === 'number') inputTokens = event.usage.input_tokens;
        break;
      case 'message_stop':
        stopped = true;
        break;
    }
  }

  if (!stopped)
    throw new ProviderError('stream ended before the model finished', { reason: 'network' });
  yield { type: 'finish', finishReason, usage: { inputTokens, outputTokens } };
}
