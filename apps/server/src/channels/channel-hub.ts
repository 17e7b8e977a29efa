import { randomUUID } from 'node:crypto';
import type { MessageBus, MessageBusStats } from '@clawgate/bus';
import type { AgentRunner, RunEventSink, RunResult } from '../agent-runner.js';
import type { ChannelStore, StoredBusMessage } from '../store/channel-store.js';
import type {
  Channel,
  ChannelContext,
  ChannelStatus,
  ReceiveOptions,
  ReceiveOutcome,
} from './channel.js';
import type { ChatSubscriptions } from './chat-subscriptions.js';
import { HubClosing } from './hub-closing.js';

/** Options of a {@link ChannelHub}. */
export interface ChannelHubOptions {
  bus: MessageBus<StoredBusMessage>;
  store: ChannelStore;
  runner: AgentRunner;
  subscriptions: ChatSubscriptions;
  channels: readonly Channel[];
  /**
   * Most chats served at once (one turn each); the others wait. Default 32. Messages wait
   * in memory up to {@link MAX_WAITING_MESSAGES}, then on the bus, and all stay stored.
   */
  maxConcurrentTurns?: number;
  /** Told about failures the hub cannot hand to anyone: a channel that would not start, etc. */
  onError?: (error: unknown, context: { channel: string; what: string }) => void;
}

/** Most inbound messages held waiting for their chat's turn before the bus must wait. */
export const MAX_WAITING_MESSAGES = 1_000;

/** Channel turns emit to no gateway session; their answer goes out as a message instead. */
const NO_SESSION: RunEventSink = { emit: () => 0 };

/** The sender of every answer the agent publishes. */
export const AGENT_SENDER_ID = 'agent';

/**
 * Joins the channels, the bus and the agent. Inbound messages become agent turns on the
 * conversation `<channel>:<chatId>`, owned by `channel:<channel>`; each turn's answer (or a
 * notice that it failed) is published outbound to the same chat. Every outbound message goes
 * to the gateway sessions subscribed to that chat, as `message.outbound`, and to the channel
 * it names.
 */
export class ChannelHub {
  private readonly channels = new Map<string, Channel>();
  private readonly unsubscribes: Array<() => unknown> = [];
  private readonly maxConcurrentTurns: number;
  /** Chats with a turn running, as `<channel>\u0000<chatId>`. */
  private readonly activeChats = new Set<string>();
  /** Messages taken off the bus whose turn has not started, per chat, in arrival order. */
  private readonly waitingByChat = new Map<string, StoredBusMessage[]>();
  private waitingCount = 0;
  private turnEnded: Array<() => void> = [];
  /** Answers of inbound turns still being published. */
  private readonly answering = new Set<Promise<void>>();
  private closing = false;

  constructor(private readonly options: ChannelHubOptions) {
    for (const channel of options.channels) {
      if (this.channels.has(channel.name)) {
        throw new RangeError(`channel name ${JSON.stringify(channel.name)} is used twice`);
      }
      this.channels.set(channel.name, channel);
    }
    this.maxConcurrentTurns = options.maxConcurrentTurns ?? 32;
  }

  /** Starts every channel, hands on what a crash left queued, then starts routing. */
  async start(): Promise<void> {
    const { bus, store } = this.options;
    const context: ChannelContext = {
      receive: (message, options) => this.receive(message, options),
    };
    for (const channel of this.channels.values()) {
      try {
        await channel.start(context);
      } catch (error) {
        this.options.onError?.(error, { channel: channel.name, what: 'start' });
      }
    }
    this.unsubscribes.push(
      bus.inbound.subscribe((message) => this.onInbound(message), { name: 'agent' }),
      bus.outbound.subscribe((message) => this.onOutbound(message), { name: 'channels' }),
    );
    const { queued, interrupted, unsentReplies } = store.recoverInbound();
    for (const reply of unsentReplies) await bus.outbound.publish(reply);
    for (const message of interrupted) {
      const notice = this.notice(
        message,
        'The server restarted before the agent finished answering; please send your message again.',
        { error: 'INTERRUPTED' },
      );
      store.markInbound(message.id, 'interrupted', { reply: notice });
      await bus.outbound.publish(notice);
    }
    for (const message of queued) await bus.inbound.publish(message);
  }

  /** From now on inbound messages are refused with {@link HubClosing}; e.g. while draining. */
  refuseInbound(): void {
    this.closing = true;
  }

  /**
   * Stops taking inbound messages (they are refused with {@link HubClosing}), publishes the
   * answers of turns that have ended, lets the outbound queue drain into the channels, then
   * stops routing and every channel. Call it after the runner's turns have settled: answers
   * of turns still running then are not published.
   */
  async stop(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.answering]);
    await this.options.bus.outbound.idle();
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    for (const channel of this.channels.values()) {
      await channel
        .stop()
        .catch((error: unknown) =>
          this.options.onError?.(error, { channel: channel.name, what: 'stop' }),
        );
    }
  }

  has(name: string): boolean {
    return this.channels.has(name);
  }

  /**
   * Whether a message sent now to `chatId` of `channel` would reach someone: the channel's own
   * answer, or, for a channel that cannot tell, whether it exists.
   */
  canReach(channel: string, chatId: string): boolean {
    const found = this.channels.get(channel);
    return found !== undefined && (found.canReach?.(chatId) ?? true);
  }

  list(): Array<Pick<ChannelStatus, 'name' | 'kind' | 'state'>> {
    return [...this.channels.values()].map((channel) => {
      const { name, kind, state } = channel.status();
      return { name, kind, state };
    });
  }

  /** Every channel's status, or one channel's; with the bus counters and subscriber counts. */
  status(name?: string): {
    channels: Array<ChannelStatus & { subscribers: number }>;
    bus: MessageBusStats;
  } {
    const channels = [...this.channels.values()]
      .filter((channel) => name === undefined || channel.name === name)
      .map((channel) => ({
        ...channel.status(),
        subscribers: this.options.subscriptions.subscriberCount(channel.name),
      }));
    return { channels, bus: this.options.bus.stats() };
  }

  /**
   * Publishes a message out through `channel` to `chatId`; resolves with its id once it is
   * queued. Waits while the outbound bus is full, until `signal` aborts.
   */
  async send(
    message: Omit<StoredBusMessage, 'id' | 'timestamp'> & { id?: string },
    signal?: AbortSignal,
  ): Promise<string> {
    const id = message.id ?? randomUUID();
    await this.options.bus.outbound.publish(
      { ...message, id, timestamp: Date.now() },
      signal ? { signal } : {},
    );
    return id;
  }

  private async receive(
    message: Omit<StoredBusMessage, 'id'>,
    options: ReceiveOptions,
  ): Promise<ReceiveOutcome> {
    if (this.closing) throw new HubClosing();
    const { store, bus } = this.options;
    const stored: StoredBusMessage = { ...message, id: randomUUID() };
    const recorded = store.recordInbound(stored, {
      ...(options.externalId === undefined ? {} : { externalId: options.externalId }),
      ...(options.signature === undefined ? {} : { signature: options.signature }),
    });
    if ('conflict' in recorded || recorded.duplicate) return recorded;
    try {
      await bus.inbound.publish(stored, options.signal ? { signal: options.signal } : {});
    } catch (error) {
      store.forgetInbound(stored.id);
      throw error;
    }
    return recorded;
  }

  /**
   * Takes one inbound message off the bus into the chat's waiting list, then starts what may
   * start. Waits (backpressure on the bus) while {@link MAX_WAITING_MESSAGES} already wait.
   */
  private async onInbound(message: StoredBusMessage): Promise<void> {
    while (this.waitingCount >= MAX_WAITING_MESSAGES) {
      await new Promise<void>((resolve) => this.turnEnded.push(resolve));
    }
    if (this.closing) return; // Still queued in the store: handed on at the next start.
    const chat = `${message.channel}\u0000${message.chatId}`;
    const waiting = this.waitingByChat.get(chat) ?? [];
    waiting.push(message);
    this.waitingByChat.set(chat, waiting);
    this.waitingCount += 1;
    this.startWaitingTurns();
  }

  /**
   * Starts the next message of each chat that has none running, oldest chat first, while
   * fewer than `maxConcurrentTurns` chats are served. One chat's backlog never holds up
   * another's, and nothing starts once shutdown began.
   */
  private startWaitingTurns(): void {
    for (const [chat, waiting] of this.waitingByChat) {
      if (this.closing || this.activeChats.size >= this.maxConcurrentTurns) return;
      if (this.activeChats.has(chat)) continue;
      const message = waiting.shift();
      if (waiting.length === 0) this.waitingByChat.delete(chat);
      if (!message) continue;
      this.waitingCount -= 1;
      this.activeChats.add(chat);
      this.startTurn(message, () => {
        this.activeChats.delete(chat);
        for (const resolve of this.turnEnded.splice(0)) resolve();
        this.startWaitingTurns();
      });
    }
  }

  private startTurn(message: StoredBusMessage, ended: () => void): void {
    const { runner, store } = this.options;
    let began = false;
    const { runId } = runner.start({
      owner: `channel:${message.channel}`,
      sessionKey: `${message.channel}:${message.chatId}`,
      message: withMedia(message),
      sink: NO_SESSION,
      onBegin: () => {
        began = true;
        store.markInbound(message.id, 'started', { runId });
      },
    });
    const answered = (runner.settled(runId) ?? Promise.resolve(undefined))
      .then((result) => this.answer(message, runId, result, began))
      .catch((error: unknown) =>
        this.options.onError?.(error, { channel: message.channel, what: 'answer' }),
      )
      .finally(() => {
        this.answering.delete(answered);
        ended();
      });
    this.answering.add(answered);
  }

  private async answer(
    message: StoredBusMessage,
    runId: string,
    result: RunResult | undefined,
    began: boolean,
  ): Promise<void> {
    const { store, bus } = this.options;
    // Stopped by a shutdown before it began: it stays queued and is handed on at next start.
    if (!began && result?.error?.code === 'SHUTTING_DOWN') return;
    const done = result?.status === 'done';
    const error = result?.error;
    const reply = done
      ? this.notice(message, result.text ?? '', { runId })
      : this.notice(
          message,
          `The agent could not answer: ${error?.message ?? 'the turn did not finish'}`,
          { runId, error: error?.code ?? 'INTERNAL' },
        );
    store.markInbound(message.id, done ? 'answered' : 'failed', { runId, reply });
    // If the bus is closed by now, the kept reply goes out at the next start.
    await bus.outbound.publish(reply);
  }

  /** An outbound message from the agent to the chat `message` came from, in reply to it. */
  private notice(
    message: StoredBusMessage,
    content: string,
    metadata: Record<string, unknown>,
  ): StoredBusMessage {
    return {
      id: randomUUID(),
      channel: message.channel,
      chatId: message.chatId,
      senderId: AGENT_SENDER_ID,
      content,
      metadata: { ...metadata, inReplyTo: message.id },
      timestamp: Date.now(),
    };
  }

  private async onOutbound(message: StoredBusMessage): Promise<void> {
    const channel = this.channels.get(message.channel);
    // Sessions following the chat hear every message to it, whatever carries it further.
    this.options.subscriptions.notify(message);
    if (!channel) {
      throw new Error(`no channel is named ${JSON.stringify(message.channel)}`);
    }
    await channel.send(message);
  }
}

/** The text the agent reads: the content, then one line per attachment. */
function withMedia(message: StoredBusMessage): string {
  const media = message.media ?? [];
  if (media.length === 0) return message.content;
  const lines = media.map(
    (item) =>
      `[${item.kind}${item.name ? ` ${item.name}` : ''}${item.mimeType ? ` (${item.mimeType})` : ''}: ${item.url}]`,
  );
  return [message.content, ...lines].filter((line) => line !== '').join('\n');
}
