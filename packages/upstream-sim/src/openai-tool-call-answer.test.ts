import { describe, expect, it } from 'vitest';

import {
  openaiToolCallChunks,
  openaiToolCallCompletion,
  type OpenAiToolCallAnswer,
} from './openai-tool-call-answer.js';

const answer: OpenAiToolCallAnswer = {
  id: 'chatcmpl-SimulatedAnswer0000000000000',
  createdSeconds: 1770933892,
  model: 'gpt-4.1-mini',
  calls: [
    { id: 'call_weather', name: 'get_weather', arguments: { city: 'Paris' } },
    { id: 'call_time', name: 'get_time', arguments: {} },
  ],
  promptTokens: 12,
};

const envelope = {
  id: 'chatcmpl-SimulatedAnswer0000000000000',
  object: 'chat.completion.chunk',
  created: 1770933892,
  model: 'gpt-4.1-mini',
  service_tier: 'default',
  system_fingerprint: 'fp_de604bd877',
};

// 'get_weather' + '{"city":"Paris"}' + 'get_time' + '{}' = 37 characters: 10 tokens.
const usage = {
  prompt_tokens: 12,
  completion_tokens: 10,
  total_tokens: 22,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: {
    reasoning_tokens: 0,
    audio_tokens: 0,
    accepted_prediction_tokens: 0,
    rejected_prediction_tokens: 0,
  },
};

function choice(delta: unknown, finishReason: string | null = null): unknown {
  return [{ index: 0, delta, logprobs: null, finish_reason: finishReason }];
}

describe('openaiToolCallChunks', () => {
  it('streams the role, each call with its arguments in fragments, and the finish', () => {
    expect(openaiToolCallChunks(answer, { includeUsage: false })).toStrictEqual([
      { ...envelope, choices: choice({ role: 'assistant', content: null, refusal: null }) },
      {
        ...envelope,
        choices: choice({
          tool_calls: [
            {
              index: 0,
              id: 'call_weather',
              type: 'function',
              function: { name: 'get_weather', arguments: '' },
            },
          ],
        }),
      },
      ...['{"city', '":"Par', 'is"}'].map((fragment) => ({
        ...envelope,
        choices: choice({ tool_calls: [{ index: 0, function: { arguments: fragment } }] }),
      })),
      {
        ...envelope,
        choices: choice({
          tool_calls: [
            {
              index: 1,
              id: 'call_time',
              type: 'function',
              function: { name: 'get_time', arguments: '' },
            },
          ],
        }),
      },
      ...['{', '}'].map((fragment) => ({
        ...envelope,
        choices: choice({ tool_calls: [{ index: 1, function: { arguments: fragment } }] }),
      })),
      { ...envelope, choices: choice({}, 'tool_calls') },
    ]);
  });

  it('streams the text before the calls, after a role chunk with empty content', () => {
    const chunks = openaiToolCallChunks(
      { ...answer, text: 'Let me check.', calls: answer.calls.slice(1) },
      { includeUsage: false },
    );

    expect(chunks.slice(0, 5)).toStrictEqual([
      { ...envelope, choices: choice({ role: 'assistant', content: '', refusal: null }) },
      { ...envelope, choices: choice({ content: 'Let m' }) },
      { ...envelope, choices: choice({ content: 'e che' }) },
      { ...envelope, choices: choice({ content: 'ck.' }) },
      {
        ...envelope,
        choices: choice({
          tool_calls: [
            {
              index: 0,
              id: 'call_time',
              type: 'function',
              function: { name: 'get_time', arguments: '' },
            },
          ],
        }),
      },
    ]);
  });

  it('adds usage: null to every chunk and a last usage chunk when usage is asked for', () => {
    const chunks = openaiToolCallChunks(answer, { includeUsage: true });

    expect(chunks.slice(0, -1).every((chunk) => chunk['usage'] === null)).toBe(true);
    expect(chunks.at(-2)).toStrictEqual({
      ...envelope,
      choices: choice({}, 'tool_calls'),
      usage: null,
    });
    expect(chunks.at(-1)).toStrictEqual({ ...envelope, choices: [], usage });
  });
});

describe('openaiToolCallCompletion', () => {
  it('answers one message with the tool calls and finish_reason tool_calls', () => {
    expect(openaiToolCallCompletion(answer)).toStrictEqual({
      id: 'chatcmpl-SimulatedAnswer0000000000000',
      object: 'chat.completion',
      created: 1770933892,
      model: 'gpt-4.1-mini',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_weather',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
              },
              {
                id: 'call_time',
                type: 'function',
                function: { name: 'get_time', arguments: '{}' },
              },
            ],
            refusal: null,
            annotations: [],
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage,
      service_tier: 'default',
      system_fingerprint: 'fp_de604bd877',
    });
  });

  it('puts the text in the message content', () => {
    const completion = openaiToolCallCompletion({ ...answer, text: 'Let me check.' });
    const choices = completion['choices'] as readonly { message: { content: unknown } }[];

    expect(choices[0]?.message.content).toBe('Let me check.');
  });
});
