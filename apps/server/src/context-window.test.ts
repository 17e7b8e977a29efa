import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '@clawgate/providers-core';
import {
  estimateMessageTokens,
  estimateTokens,
  fitContextWindow,
  omissionNote,
} from './context-window.js';

/** A text of exactly `tokens` estimated tokens. */
const textOf = (tokens: number, letter = 'a'): string => letter.repeat(tokens * 4);

const user = (tokens: number, letter?: string): ChatMessage => ({
  role: 'user',
  content: textOf(tokens, letter),
});
const assistant = (tokens: number, letter?: string): ChatMessage => ({
  role: 'assistant',
  content: textOf(tokens, letter),
});

describe('estimateTokens', () => {
  it('counts one token per four characters, rounded up', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abcd')).toBe(1);
    expect(estimateTokens('abcde')).toBe(2);
  });

  it('counts tool calls and tool call ids with a fixed overhead per message', () => {
    const call = { id: 'call_1', name: 'calculator', arguments: '{"expression":"2+2"}' };
    expect(estimateMessageTokens({ role: 'assistant', content: '', toolCalls: [call] })).toBe(
      4 + estimateTokens(JSON.stringify([call])),
    );
    expect(estimateMessageTokens({ role: 'tool', toolCallId: 'call_1', content: '4' })).toBe(
      4 + 2 + 1,
    );
  });
});

describe('fitContextWindow', () => {
  it('returns the request unchanged without a window or when it fits', () => {
    const request = { messages: [user(10), assistant(10), user(10)] };

    expect(fitContextWindow(request, undefined)).toEqual({ request, droppedMessages: 0 });
    // 3 messages of 14 tokens = 42; window 84 keeps 42 for the answer.
    expect(fitContextWindow(request, 84)).toEqual({ request, droppedMessages: 0 });
  });

  it('drops the oldest whole exchanges first and says how many messages it left out', () => {
    const oldest = [user(20, 'o'), assistant(20, 'o')];
    const middle = [user(20, 'm'), assistant(20, 'm')];
    const current = [user(20, 'c')];
    const request = { messages: [...oldest, ...middle, ...current], maxOutputTokens: 10 };
    const note = omissionNote(2);
    // Budget 110 - 10 = 100: all five messages (120) do not fit; the note, middle (48)
    // and current (24) do.
    expect(estimateMessageTokens(note) + 48 + 24).toBeLessThanOrEqual(100);

    const fitted = fitContextWindow(request, 110);

    expect(fitted).toEqual({
      request: { ...request, messages: [note, ...middle, ...current] },
      droppedMessages: 2,
    });
  });

  it('keeps a tool call with its result and keeps the current exchange whole', () => {
    const call = { id: 'call_1', name: 'calculator', arguments: '{}' };
    const earlier: ChatMessage[] = [
      user(10, 'e'),
      { role: 'assistant', content: '', toolCalls: [call] },
      { role: 'tool', toolCallId: 'call_1', content: textOf(10) },
      assistant(10, 'e'),
    ];
    const current: ChatMessage[] = [
      user(10, 'c'),
      { role: 'assistant', content: '', toolCalls: [{ ...call, id: 'call_2' }] },
      { role: 'tool', toolCallId: 'call_2', content: textOf(10) },
    ];

    const fitted = fitContextWindow({ messages: [...earlier, ...current] }, 100);

    expect(fitted.droppedMessages).toBe(4);
    expect(fitted.request.messages).toEqual([omissionNote(4), ...current]);
  });

  it('keeps system messages and counts tool definitions against the budget', () => {
    const system: ChatMessage = { role: 'system', content: 'be brief' };
    const tools = [{ name: 'calculator', parameters: { type: 'object' } }];
    const messages = [system, user(10, 'o'), assistant(10, 'o'), user(10, 'c')];

    // Without tools, 4 + 2 + 42 = 48 fits in 100 - 50 = 50; the tools push it over.
    expect(fitContextWindow({ messages }, 100).droppedMessages).toBe(0);
    const fitted = fitContextWindow({ messages, tools }, 100);

    expect(fitted.droppedMessages).toBe(2);
    expect(fitted.request.messages).toEqual([system, omissionNote(2), user(10, 'c')]);
  });

  it('sends the current exchange alone when even that is over the budget', () => {
    const request = { messages: [user(10, 'o'), assistant(10, 'o'), user(500, 'c')] };

    const fitted = fitContextWindow(request, 200);

    expect(fitted).toEqual({
      request: { messages: [omissionNote(2), user(500, 'c')] },
      droppedMessages: 2,
    });
  });

  it('never leaves out part of a message', () => {
    const messages = [user(7), assistant(13), user(3), assistant(29), user(11)];

    for (let window = 20; window <= 200; window += 1) {
      const fitted = fitContextWindow({ messages }, window).request.messages;
      const withoutNote = fitted.filter((message) => message.role !== 'system');
      expect(messages.slice(messages.length - withoutNote.length)).toEqual(withoutNote);
    }
  });
});
