import { describe, expect, it } from 'vitest';
import { toOpenAIRequest } from './request-mapping.js';

describe('toOpenAIRequest', () => {
  it('maps a tool conversation to Chat Completions messages with tool_call ids preserved', () => {
    const request = toOpenAIRequest({
      model: 'gpt-4.1-mini',
      maxOutputTokens: 100,
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'what time is it?' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'call_1', name: 'now', arguments: '{}' }],
        },
        { role: 'tool', toolCallId: 'call_1', content: '12:00' },
      ],
      tools: [
        {
          name: 'now',
          description: 'current time',
          parameters: { type: 'object', properties: {} },
        },
      ],
    });
    expect(request).toEqual({
      model: 'gpt-4.1-mini',
      stream: true,
      stream_options: { include_usage: true },
      max_completion_tokens: 100,
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'what time is it?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'now', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '12:00' },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'now',
            description: 'current time',
            parameters: { type: 'object', properties: {} },
          },
        },
      ],
    });
  });
});
