import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '@clawgate/providers-core';
import { MISSING_TOOL_RESULT, repairHistory } from './repair-history.js';

const call = (id: string) => ({ id, name: 'current_time', arguments: '{}' });

describe('repairHistory', () => {
  it('returns a complete history unchanged', () => {
    const history: ChatMessage[] = [
      { role: 'user', content: 'time?' },
      { role: 'assistant', content: '', toolCalls: [call('a'), call('b')] },
      { role: 'tool', toolCallId: 'a', content: '12:00' },
      { role: 'tool', toolCallId: 'b', content: '12:00' },
      { role: 'assistant', content: 'noon' },
    ];

    expect(repairHistory(history)).toEqual(history);
  });

  it('answers the calls an interrupted turn left without results, after the ones it has', () => {
    const history: ChatMessage[] = [
      { role: 'user', content: 'time?' },
      { role: 'assistant', content: '', toolCalls: [call('a'), call('b')] },
      { role: 'tool', toolCallId: 'a', content: '12:00' },
      { role: 'user', content: 'again' },
    ];

    expect(repairHistory(history)).toEqual([
      { role: 'user', content: 'time?' },
      { role: 'assistant', content: '', toolCalls: [call('a'), call('b')] },
      { role: 'tool', toolCallId: 'a', content: '12:00' },
      { role: 'tool', toolCallId: 'b', content: MISSING_TOOL_RESULT },
      { role: 'user', content: 'again' },
    ]);
  });

  it('answers open calls at the end of the history too', () => {
    const history: ChatMessage[] = [
      { role: 'user', content: 'time?' },
      { role: 'assistant', content: 'checking', toolCalls: [call('a')] },
    ];

    expect(repairHistory(history).at(-1)).toEqual({
      role: 'tool',
      toolCallId: 'a',
      content: MISSING_TOOL_RESULT,
    });
  });

  it('leaves out results that answer no call of the assistant message before them', () => {
    const history: ChatMessage[] = [
      { role: 'tool', toolCallId: 'stray', content: 'x' },
      { role: 'user', content: 'time?' },
      { role: 'assistant', content: '', toolCalls: [call('a')] },
      { role: 'tool', toolCallId: 'a', content: '12:00' },
      { role: 'tool', toolCallId: 'a', content: 'duplicate' },
      { role: 'assistant', content: 'noon' },
      { role: 'tool', toolCallId: 'a', content: 'late' },
    ];

    expect(repairHistory(history)).toEqual([
      { role: 'user', content: 'time?' },
      { role: 'assistant', content: '', toolCalls: [call('a')] },
      { role: 'tool', toolCallId: 'a', content: '12:00' },
      { role: 'assistant', content: 'noon' },
    ]);
  });

  it('leaves out an assistant message with neither text nor tool calls', () => {
    const history: ChatMessage[] = [
      { role: 'user', content: 'hello?' },
      { role: 'assistant', content: '' },
      { role: 'user', content: 'still there?' },
      { role: 'assistant', content: 'yes' },
    ];

    expect(repairHistory(history)).toEqual([
      { role: 'user', content: 'hello?' },
      { role: 'user', content: 'still there?' },
      { role: 'assistant', content: 'yes' },
    ]);
  });

  it('leaves out what comes before the first user message, except system messages', () => {
    const history: ChatMessage[] = [
      { role: 'system', content: 'be brief' },
      { role: 'tool', toolCallId: 'a', content: '12:00' },
      { role: 'assistant', content: 'noon' },
      { role: 'user', content: 'time?' },
      { role: 'assistant', content: 'noon' },
    ];

    expect(repairHistory(history)).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'time?' },
      { role: 'assistant', content: 'noon' },
    ]);
    expect(repairHistory([{ role: 'assistant', content: 'alone' }])).toEqual([]);
  });
});
