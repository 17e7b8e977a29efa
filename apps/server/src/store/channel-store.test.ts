import { describe, expect, it } from 'vitest';
import { ChannelStore, type StoredBusMessage } from './channel-store.js';
import { openDatabase } from './database.js';

const message = (id: string, extra: Partial<StoredBusMessage> = {}): StoredBusMessage => ({
  id,
  channel: 'hooks',
  chatId: 'chat-1',
  senderId: 'user-1',
  content: `message ${id}`,
  timestamp: 1_000,
  ...extra,
});

describe('ChannelStore', () => {
  it('recognises a repeated id in the same chat, and a reused one as a conflict', () => {
    const store = new ChannelStore(openDatabase(':memory:'));

    expect(store.recordInbound(message('m1'), { externalId: 'ext-1' })).toEqual({
      messageId: 'm1',
      duplicate: false,
    });
    expect(
      store.recordInbound(message('m2', { content: 'message m1' }), { externalId: 'ext-1' }),
    ).toEqual({ messageId: 'm1', duplicate: true });
    expect(
      store.recordInbound(message('m3', { content: 'other text' }), { externalId: 'ext-1' }),
    ).toEqual({ conflict: true });
    expect(
      store.recordInbound(message('m4', { senderId: 'someone else' }), { externalId: 'ext-1' }),
    ).toEqual({ conflict: true });
    // The same id in another chat or another channel is another message.
    expect(
      store.recordInbound(message('m5', { chatId: 'chat-2' }), { externalId: 'ext-1' }),
    ).toEqual({ messageId: 'm5', duplicate: false });
    expect(
      store.recordInbound(message('m6', { channel: 'other' }), { externalId: 'ext-1' }),
    ).toEqual({ messageId: 'm6', duplicate: false });
    // Without an id, the same text twice is two messages.
    expect(store.recordInbound(message('m7'))).toEqual({ messageId: 'm7', duplicate: false });
    expect(store.recordInbound(message('m8', { content: 'message m7' }))).toEqual({
      messageId: 'm8',
      duplicate: false,
    });
  });

  it('recognises a replayed request by its signature', () => {
    const store = new ChannelStore(openDatabase(':memory:'));

    store.recordInbound(message('m1'), { signature: 'sha256=aa' });

    expect(store.recordInbound(message('m2'), { signature: 'sha256=aa' })).toEqual({
      messageId: 'm1',
      duplicate: true,
    });
    expect(store.recordInbound(message('m3'), { signature: 'sha256=bb' })).toEqual({
      messageId: 'm3',
      duplicate: false,
    });
  });

  it('hands back after a restart what was queued, what had begun, and replies never sent', () => {
    const store = new ChannelStore(openDatabase(':memory:'));
    const media = [{ kind: 'image' as const, url: 'https://example.test/a.png' }];
    const sentReply = message('reply-sent', { senderId: 'agent' });
    const keptReply = message('reply-kept', { senderId: 'agent' });
    store.recordInbound(message('queued', { media, metadata: { thread: 't' } }));
    store.recordInbound(message('started'));
    store.markInbound('started', 'started', { runId: 'run-1' });
    store.recordInbound(message('answered'));
    store.markInbound('answered', 'answered', { runId: 'run-2', reply: sentReply });
    store.enqueueOutbound(sentReply);
    store.recordInbound(message('answered-before-crash'));
    store.markInbound('answered-before-crash', 'answered', { runId: 'run-3', reply: keptReply });
    store.recordInbound(message('forgotten'));
    store.forgetInbound('forgotten');

    expect(store.recoverInbound()).toEqual({
      queued: [message('queued', { media, metadata: { thread: 't' } })],
      interrupted: [message('started')],
      unsentReplies: [keptReply],
    });
    store.markInbound('started', 'interrupted');
    store.enqueueOutbound(keptReply);
    expect(store.recoverInbound()).toEqual({
      queued: [message('queued', { media, metadata: { thread: 't' } })],
      interrupted: [],
      unsentReplies: [],
    });
  });

  it('keeps an outbound message pending until delivered, or dead with its reason', () => {
    const store = new ChannelStore(openDatabase(':memory:'));
    store.enqueueOutbound(message('a'));
    store.enqueueOutbound(message('b'));
    store.enqueueOutbound(message('c'));
    store.enqueueOutbound(message('a'));

    store.recordAttempt('a', { status: 'delivered' });
    store.recordAttempt('b', { status: 'pending', nextAttemptAt: 5_000, error: 'HTTP 503' });
    store.recordAttempt('c', { status: 'dead', error: 'HTTP 410' });

    expect(store.outboundCounts('hooks')).toEqual({ pending: 1, delivered: 1, dead: 1 });
    expect(store.pendingOutbound('hooks')).toEqual([
      {
        message: message('b'),
        status: 'pending',
        attempts: 1,
        nextAttemptAt: 5_000,
        lastError: 'HTTP 503',
      },
    ]);
    expect(store.deadLetters('hooks')).toEqual([
      {
        message: message('c'),
        status: 'dead',
        attempts: 1,
        nextAttemptAt: 0,
        lastError: 'HTTP 410',
      },
    ]);
    expect(store.deadLetters('other')).toEqual([]);
  });
});
