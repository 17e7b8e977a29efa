import { describe, expect, it } from 'vitest';

import {
  anthropicToolUseEvents,
  anthropicToolUseMessage,
  type AnthropicToolUseAnswer,
} from './anthropic-tool-use-answer.js';

const answer: AnthropicToolUseAnswer = {
  id: 'msg_01SimulatedAnswer000000',
  model: 'claude-sonnet-4-5',
  text: 'Let me check.',
  calls: [
    { id: 'toolu_weather', name: 'get_weather', arguments: { city: 'Paris' } },
    { id: 'toolu_time', name: 'get_time', arguments: {} },
  ],
  inputTokens: 12,
};

const head = {
  model: 'claude-sonnet-4-5',
  id: 'msg_01SimulatedAnswer000000',
  type: 'message',
  role: 'assistant',
};

function usage(outputTokens: number): unknown {
  return {
    input_tokens: 12,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}

describe('anthropicToolUseEvents', () => {
  it('streams the text block, then one tool_use block per call, then the tool_use stop', () => {
    const inputDelta = (index: number, partialJson: string): unknown => ({
      type: 'content_block_delta',
      index,
      delta: { type: 'input_json_delta', partial_json: partialJson },
    });

    expect(anthropicToolUseEvents(answer)).toStrictEqual([
      {
        type: 'message_start',
        message: {
          ...head,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: usage(1),
        },
      },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'ping' },
      ...['Let m', 'e che', 'ck.'].map((text) => ({
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text },
      })),
      { type: 'content_block_stop', index: 0 },
      {
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'tool_use', id: 'toolu_weather', name: 'get_weather', input: {} },
      },
      inputDelta(1, '{"city'),
      inputDelta(1, '":"Par'),
      inputDelta(1, 'is"}'),
      { type: 'content_block_stop', index: 1 },
      {
        type: 'content_block_start',
        index: 2,
        content_block: { type: 'tool_use', id: 'toolu_time', name: 'get_time', input: {} },
      },
      inputDelta(2, '{'),
      inputDelta(2, '}'),
      { type: 'content_block_stop', index: 2 },
      {
        type: 'message_delta',
        delta: { stop_reason: 'tool_use', stop_sequence: null },
        // 'Let me check.' + 'get_weather' + '{"city":"Paris"}' + 'get_time' + '{}': 13 tokens.
        usage: {
          input_tokens: 12,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          output_tokens: 13,
        },
      },
      { type: 'message_stop' },
    ]);
  });

  it('opens the first tool_use block at index 0 when there is no text', () => {
    const events = anthropicToolUseEvents({ ...answer, text: undefined });

    expect(events.slice(1, 3)).toStrictEqual([
      {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'tool_use', id: 'toolu_weather', name: 'get_weather', input: {} },
      },
      { type: 'ping' },
    ]);
  });
});

describe('anthropicToolUseMessage', () => {
  it('answers the text and tool_use blocks with stop_reason tool_use', () => {
    expect(anthropicToolUseMessage(answer)).toStrictEqual({
      ...head,
      content: [
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'toolu_weather', name: 'get_weather', input: { city: 'Paris' } },
        { type: 'tool_use', id: 'toolu_time', name: 'get_time', input: {} },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: usage(13),
    });
  });

  it('answers only tool_use blocks when there is no text', () => {
    const message = anthropicToolUseMessage({ ...answer, text: undefined });

    expect(message['content']).toStrictEqual([
      { type: 'tool_use', id: 'toolu_weather', name: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'toolu_time', name: 'get_time', input: {} },
    ]);
  });
});
