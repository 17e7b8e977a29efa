import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ConversationStore } from './conversation-store.js';
import { openDatabase } from './database.js';

let store: ConversationStore;

beforeEach(() => {
  store = new ConversationStore(openDatabase(':memory:'));
});

describe('ConversationStore', () => {
  it('keeps messages in order, tool calls and tool results included', () => {
    const toolCall = { id: 'call_1', name: 'clock', arguments: '{}' };
    store.append('token-0', 'work', [
      { role: 'user', content: 'what time is it?' },
      { role: 'assistant', content: '', toolCalls: [toolCall] },
      { role: 'tool', toolCallId: 'call_1', content: '12:00' },
      { role: 'assistant', content: 'It is noon.' },
    ]);

    expect(
      store.messages('token-0', 'work').map(({ id: _id, createdAt: _at, ...rest }) => rest),
    ).toEqual([
      { role: 'user', content: 'what time is it?' },
      { role: 'assistant', content: '', toolCalls: [toolCall] },
      { role: 'tool', toolCallId: 'call_1', content: '12:00' },
      { role: 'assistant', content: 'It is noon.' },
    ]);
  });

  it('never creates a conversation by reading it', () => {
    expect(store.get('token-0', 'ghost')).toBeUndefined();
    expect(store.messages('token-0', 'ghost')).toEqual([]);
    expect(store.history('token-0', 'ghost', { afterId: 0, limit: 10 })).toEqual([]);
    expect(store.list('token-0', { limit: 10 })).toEqual([]);
  });

  it('lists conversations most recently updated first, page by page', () => {
    vi.useFakeTimers();
    try {
      for (const [index, key] of ['a', 'b', 'c'].entries()) {
        vi.setSystemTime(1_000 + index);
        store.append('token-0', key, [{ role: 'user', content: key }]);
      }
      const first = store.list('token-0', { limit: 2 });
      const last = first.at(-1);
      const second = store.list('token-0', {
        limit: 2,
        ...(last ? { before: { updatedAt: last.updatedAt, sessionKey: last.sessionKey } } : {}),
      });

      expect(first.map((summary) => summary.sessionKey)).toEqual(['c', 'b']);
      expect(second.map((summary) => summary.sessionKey)).toEqual(['a']);
      expect(first[0]).toMatchObject({ messageCount: 1, createdAt: 1_002, updatedAt: 1_002 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('pages history after a message id', () => {
    store.append(
      'token-0',
      'work',
      [1, 2, 3].map((n) => ({ role: 'user' as const, content: `m${n}` })),
    );
    const [first] = store.history('token-0', 'work', { afterId: 0, limit: 1 });

    const rest = store.history('token-0', 'work', { afterId: first?.id ?? 0, limit: 10 });

    expect(first?.content).toBe('m1');
    expect(rest.map((message) => message.content)).toEqual(['m2', 'm3']);
  });

  it('resets a conversation to no messages, and deletes it', () => {
    store.append('token-0', 'work', [{ role: 'user', content: 'hi' }]);

    expect(store.reset('token-0', 'work')).toBe(true);
    expect(store.get('token-0', 'work')).toMatchObject({ messageCount: 0 });
    expect(store.delete('token-0', 'work')).toBe(true);
    expect(store.get('token-0', 'work')).toBeUndefined();
    expect(store.reset('token-0', 'work')).toBe(false);
    expect(store.delete('token-0', 'work')).toBe(false);
  });

  it("keeps one owner's conversation apart from another's of the same name", () => {
    store.append('token-0', 'work', [{ role: 'user', content: 'mine' }]);
    store.append('token-1', 'work', [{ role: 'user', content: 'theirs' }]);

    expect(store.messages('token-0', 'work').map((message) => message.content)).toEqual(['mine']);
    expect(store.list('token-1', { limit: 10 })).toHaveLength(1);
  });
});
