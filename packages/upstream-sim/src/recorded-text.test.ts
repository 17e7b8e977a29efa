import { describe, expect, it } from 'vitest';

import { recordedText, recordedToolCalls } from './recorded-text.js';

describe('recordedText', () => {
  it('concatenates the text deltas of a streamed Anthropic recording', () => {
    expect(recordedText('anthropic-text')).toBe(
      "Hello! I'm doing well, thank you for asking. How are you doing today?" +
        ' Is there anything I can help you with?',
    );
  });

  it('reads the text content of the non-streaming Anthropic recording', () => {
    expect(recordedText('anthropic-text', { stream: false })).toBe(
      "Hello! I'm doing well, thanks for asking. How are you doing today?" +
        ' Is there anything I can help you with?',
    );
  });

  it('concatenates the content deltas of the streamed OpenAI recording', () => {
    const text = recordedText('openai-chat-text');

    expect(text.startsWith('**Holiday Name:**')).toBe(true);
    expect(text.endsWith(' respect.')).toBe(true);
    expect(text).not.toBe(recordedText('openai-chat-text', { stream: false }));
  });

  it('reads the message content of the non-streaming OpenAI recording', () => {
    const text = recordedText('openai-chat-text', { stream: false });

    expect(text.startsWith('**Holiday Name:** Galaxy Day')).toBe(true);
    expect(text.endsWith('to look up and dream beyond our world.')).toBe(true);
  });

  it('keeps the text around a tool call', () => {
    expect(recordedText('anthropic-tool-use')).toBe("I'll update the issue list for you.");
  });
});

describe('recordedToolCalls', () => {
  it('assembles the streamed tool call with empty arguments as {}', () => {
    expect(recordedToolCalls('anthropic-tool-use')).toEqual([
      { id: 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP', name: 'updateIssueList', input: {} },
    ]);
  });

  it('reads the tool_use block of the non-streaming recording', () => {
    expect(recordedToolCalls('anthropic-tool-use', { stream: false })).toEqual([
      { id: 'toolu_01LRmxn9vGM1d2DZSDBowdZ1', name: 'updateIssueList', input: {} },
    ]);
  });

  it('answers no tool calls for a text-only recording', () => {
    expect(recordedToolCalls('openai-chat-text')).toEqual([]);
    expect(recordedToolCalls('anthropic-text', { stream: false })).toEqual([]);
  });
});
