import { describe, expect, it } from 'vitest';
import { toAnthropicRequest } from './request-mapping.js';

describe('toAnthropicRequest', () => {
  it('moves system text out, keeps tool ids, and merges tool results into one user turn', () => {
    const request = toAnthropicRequest({
      model: 'claude-sonnet-4-5',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'time and sum?' },
        {
          role: 'assistant',
          content: 'checking',
          toolCalls: [
            { id: 'toolu_1', name: 'now', arguments: '{}' },
            { id: 'toolu_2', name: 'add', arguments: '{"a":1,"b":2}' },
          ],
        },
        { role: 'tool', toolCallId: 'toolu_1', content: '12:00' },
        { role: 'tool', toolCallId: 'toolu_2', content: '3' },
      ],
    });
    expect(request).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      stream: true,
      system: 'be brief',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'time and sum?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'checking' },
            { type: 'tool_use', id: 'toolu_1', name: 'now', input: {} },
            { type: 'tool_use', id: 'toolu_2', name: 'add', input: { a: 1, b: 2 } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '12:00' },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: '3' },
          ],
        },
      ],
    });
  });

  it('rewrites a tool call id the API would refuse the same way in the call and its result', () => {
    const request = toAnthropicRequest({
      model: 'claude-sonnet-4-5',
      messages: [
        { role: 'user', content: 'weather?' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'functions.get_weather:0', name: 'get_weather', arguments: '{}' }],
        },
        { role: 'tool', toolCallId: 'functions.get_weather:0', content: 'sunny' },
      ],
    });

    expect(request.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'functions_get_weather_0', name: 'get_weather', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'functions_get_weather_0', content: 'sunny' },
        ],
      },
    ]);
  });

  it('keeps unparseable tool arguments instead of throwing', () => {
    const request = toAnthropicRequest({
      model: 'm',
      messages: [
        { role: 'assistant', content: '', toolCalls: [{ id: 't', name: 'x', arguments: '{oops' }] },
      ],
    });
    expect(request.messages[0]?.content).toEqual([
      { type: 'tool_use', id: 't', name: 'x', input: { raw: '{oops' } },
    ]);
  });
});
