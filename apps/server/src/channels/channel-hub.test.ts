import { MessageBus } from '@clawgate/bus';
import { Gateway } from '@clawgate/gateway';
import { functionProvider, ProviderPool, type ChatRequest } from '@clawgate/providers-core';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentRunner } from '../agent-runner.js';
import { ChannelStore, type StoredBusMessage } from '../store/channel-store.js';
import { ConversationStore } from '../store/conversation-store.js';
import { openDatabase } from '../store/database.js';
import { RunStore } from '../store/run-store.js';
import type { Channel, ChannelStatus, ReceiveOutcome } from './channel.js';
import { ChannelHub } from './channel-hub.js';
import { ChatSubscriptions } from './chat-subscriptions.js';
import { HubClosing } from './hub-closing.js';

/** A channel that keeps what the hub hands it; the hub is what is tested here. */
class RecordingChannel implements Channel {
  readonly kind = 'recording';
  readonly sent: StoredBusMessage[] = [];
  receive: Parameters<Channel['start']>[0]['receive'] | undefined;

  constructor(readonly name: string) {}

  async start(context: Parameters<Channel['start']>[0]): Promise<void> {
    this.receive = context.receive;
  }

  async stop(): Promise<void> {}

  async send(message: StoredBusMessage): Promise<void> {
    this.sent.push(message);
  }

  status(): ChannelStatus {
    return {
      name: this.name,
      kind: this.kind,
      state: 'running',
      inbound: { accepted: 0, refused: 0, duplicates: 0 },
      outbound: { delivered: this.sent.length, pending: 0, retries: 0, deadLettered: 0 },
    };
  }
}

let hub: ChannelHub | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

function setUp(
  call: (request: ChatRequest, signal: AbortSignal) => Promise<{ text: string }>,
  maxConcurrentTurns = 32,
) {
  const database = openDatabase(':memory:');
  const pool = new ProviderPool({
    profiles: [
      {
        name: 'only',
        model: 'm',
        provider: functionProvider({
          kind: 'test',
          call: (request, options) => call(request, options.signal),
        }),
      },
    ],
    maxAttempts: 1,
  });
  const conversations = new ConversationStore(database);
  const runner = new AgentRunner({ pool, conversations, runRecords: new RunStore(database) });
  const channel = new RecordingChannel('chat');
  const store = new ChannelStore(database);
  hub = new ChannelHub({
    bus: new MessageBus<StoredBusMessage>(),
    store,
    runner,
    subscriptions: new ChatSubscriptions(new Gateway({ token: 'hub-test-token-0123456789' })),
    channels: [channel],
    maxConcurrentTurns,
  });
  return { hub, channel, conversations, store, runner };
}

/** The id of an accepted message. */
function idOf(outcome: ReceiveOutcome): string {
  if ('conflict' in outcome) throw new Error('the message was refused as a conflict');
  return outcome.messageId;
}

const inbound = (chatId: string, content: string) => ({
  channel: 'chat',
  chatId,
  senderId: 'user-1',
  content,
  timestamp: 1,
});

describe('ChannelHub', () => {
  it('runs an inbound message as a turn on <channel>:<chatId> and publishes the answer', async () => {
    const { hub, channel, conversations } = setUp(async (request) => ({
      text: `echo: ${String(request.messages.at(-1)?.content)}`,
    }));
    await hub.start();

    const messageId = idOf(
      await channel.receive!(
        {
          ...inbound('c1', 'look'),
          media: [{ kind: 'image', url: 'https://example.test/a.png', mimeType: 'image/png' }],
        },
        {},
      ),
    );
    await expect.poll(() => channel.sent.length).toBe(1);

    expect(channel.sent[0]).toEqual({
      id: expect.any(String),
      channel: 'chat',
      chatId: 'c1',
      senderId: 'agent',
      content: 'echo: look\n[image (image/png): https://example.test/a.png]',
      metadata: { runId: expect.any(String), inReplyTo: messageId },
      timestamp: expect.any(Number),
    });
    expect(conversations.messages('channel:chat', 'chat:c1').map((stored) => stored.role)).toEqual([
      'user',
      'assistant',
    ]);
  });

  it('publishes a notice with the error code when the turn fails', async () => {
    const { hub, channel } = setUp(async () => {
      throw Object.assign(new Error('bad key'), { status: 401 });
    });
    await hub.start();

    await channel.receive!(inbound('c1', 'hello'), {});
    await expect.poll(() => channel.sent.length).toBe(1);

    expect(channel.sent[0]?.content).toMatch(/^The agent could not answer: /);
    expect(channel.sent[0]?.metadata).toMatchObject({ error: 'PROVIDERS_UNAVAILABLE' });
  });

  it('runs at most maxConcurrentTurns inbound turns at once, and all of them in the end', async () => {
    let running = 0;
    let mostRunning = 0;
    const { hub, channel } = setUp(async () => {
      running += 1;
      mostRunning = Math.max(mostRunning, running);
      await new Promise((resolve) => setTimeout(resolve, 20));
      running -= 1;
      return { text: 'ok' };
    }, 2);
    await hub.start();

    await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((chatId) => channel.receive!(inbound(chatId, 'hi'), {})),
    );
    await expect.poll(() => channel.sent.length).toBe(5);

    expect(mostRunning).toBe(2);
    expect(channel.sent.map((message) => message.chatId).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('refuses inbound messages once shutting down, and keeps nothing of them', async () => {
    const { hub, channel, store } = setUp(async () => ({ text: 'ok' }));
    await hub.start();

    hub.refuseInbound();

    await expect(channel.receive!(inbound('c1', 'late'), {})).rejects.toBeInstanceOf(HubClosing);
    expect(store.recoverInbound()).toEqual({ queued: [], interrupted: [], unsentReplies: [] });
  });

  it('throws for an outbound message to a channel it does not have, and goes on', async () => {
    const { hub, channel } = setUp(async () => ({ text: 'ok' }));
    await hub.start();

    await hub.send({ channel: 'nowhere', chatId: 'c', senderId: 'x', content: 'lost?' });
    await hub.send({ channel: 'chat', chatId: 'c', senderId: 'x', content: 'found' });
    await expect.poll(() => channel.sent.length).toBe(1);

    expect(channel.sent[0]?.content).toBe('found');
    expect(hub.status().bus.outbound.subscribers[0]).toMatchObject({ name: 'channels', failed: 1 });
  });

  it('at shutdown keeps a message whose turn never began queued, for the next start', async () => {
    const { hub, channel, store, runner } = setUp(
      (_request, signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        }),
    );
    await hub.start();
    const first = await channel.receive!(inbound('c1', 'first'), {});
    const second = await channel.receive!(inbound('c1', 'second'), {});
    await expect.poll(() => runner.runningCount).toBe(1);

    hub.refuseInbound();
    runner.abortAll();
    await runner.idle();
    await hub.stop();

    // The first had begun: its sender is told. The second waits for the next start.
    expect(channel.sent.map((message) => message.metadata)).toEqual([
      {
        runId: expect.any(String),
        inReplyTo: idOf(first),
        error: 'SHUTTING_DOWN',
      },
    ]);
    expect(store.recoverInbound()).toEqual({
      queued: [expect.objectContaining({ id: idOf(second) })],
      interrupted: [],
      // The channel here keeps nothing: the note to the first is kept for the next start.
      unsentReplies: [
        expect.objectContaining({ metadata: expect.objectContaining({ error: 'SHUTTING_DOWN' }) }),
      ],
    });
  });

  it("serves another chat while one chat's messages wait for each other", async () => {
    const begun: string[] = [];
    const { hub, channel } = setUp(async (request) => {
      const content = String(request.messages.at(-1)?.content);
      begun.push(content);
      await new Promise((resolve) => setTimeout(resolve, content.startsWith('busy') ? 50 : 1));
      return { text: 'ok' };
    }, 2);
    await hub.start();

    for (const content of ['busy 1', 'busy 2', 'busy 3']) {
      await channel.receive!(inbound('busy', content), {});
    }
    await channel.receive!(inbound('quiet', 'quiet 1'), {});
    await expect.poll(() => channel.sent.length).toBe(4);

    expect(begun.slice(0, 2)).toEqual(['busy 1', 'quiet 1']);
    expect(begun.slice(2)).toEqual(['busy 2', 'busy 3']);
  });
});
