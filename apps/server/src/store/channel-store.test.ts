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
  it('records an inbound message once per sender id and answers repeats with the first id', () => {
    const store = new ChannelStore(openDatabase(':memory:'));

    expect(store.recordInbound(message('m1'), 'ext-1')).toEqual({
      messageId: 'm1',
      duplicate: false,
    });
    expect(store.recordInbound(message('m2'), 'ext-1')).toEqual({
      messageId: 'm1',
      duplicate: true,
    });
    expect(store.recordInbound(message('m3', { channel: 'other' }), 'ext-1').duplicate).toBe(false);
    expect(store.recordInbound(message('m4')).duplicate).toBe(false);
    expect(store.recordInbound(message('m5')).duplicate).toBe(false);
  });

  it('hands back after a restart what was queued, and marks started turns interrupted', () => {
    const store = new ChannelStore(openDatabase(':memory:'));
    const media = [{ kind: 'image' as const, url: 'https://example.test/a.png' }];
    store.recordInbound(message('queued', { media, metadata: { thread: 't' } }));
    store.recordInbound(message('started'));
    store.markInbound('started', 'started', 'run-1');
    store.recordInbound(message('answered'));
    store.markInbound('answered', 'answered', 'run-2');
    store.recordInbound(message('forgotten'));
    store.forgetInbound('forgotten');

    expect(store.recoverInbound()).toEqual([
      message('queued', { media, metadata: { thread: 't' } }),
    ]);
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
