import { isProviderError, type StreamEvent } from '@clawgate/providers-core';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';
import { mapOpenAIStream } from './stream-mapping.js';

const chunk = (choice: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}) =>
  ({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'gpt-test',
    choices: choice ? [{ index: 0, logprobs: null, finish_reason: null, ...choice }] : [],
    ...extra,
  }) as unknown as ChatCompletionChunk;

async function* from(chunks: ChatCompletionChunk[]): AsyncGenerator<ChatCompletionChunk> {
  yield* chunks;
}

async function collect(chunks: ChatCompletionChunk[]): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of mapOpenAIStream(from(chunks))) events.push(event);
  return events;
}

describe('mapOpenAIStream', () => {
  it('assembles tool-call fragments by index and emits them when the choice finishes', async () => {
    const events = await collect([
      chunk({
        delta: {
          tool_calls: [{ index: 0, id: 'call_a', function: { name: 'add', arguments: '{"a":' } }],
        },
      }),
      chunk({
        delta: {
          tool_calls: [{ index: 1, id: 'call_b', function: { name: 'now', arguments: '' } }],
        },
      }),
      chunk({ delta: { tool_calls: [{ index: 0, function: { arguments: '1}' } }] } }),
      chunk({ delta: {}, finish_reason: 'tool_calls' }),
      chunk(undefined, { usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 } }),
    ]);
    expect(events).toEqual([
      { type: 'metadata', responseId: 'chatcmpl-1', model: 'gpt-test' },
      { type: 'tool-call', toolCall: { id: 'call_a', name: 'add', arguments: '{"a":1}' } },
      { type: 'tool-call', toolCall: { id: 'call_b', name: 'now', arguments: '{}' } },
      { type: 'finish', finishReason: 'tool_calls', usage: { inputTokens: 5, outputTokens: 7 } },
    ]);
  });

  it('fails with network when the stream ends before a finish reason', async () => {
    const stream = collect([chunk({ delta: { content: 'partial' } })]);
    await expect(stream).rejects.toSatisfy(
      (error: unknown) => isProviderError(error) && error.reason === 'network',
    );
  });
});
