import type { Gateway } from '@clawgate/gateway';
import type { StoredBusMessage } from '../store/channel-store.js';

/** One chat of one channel, as a map key. */
const chatKey = (channel: string, chatId: string): string => `${channel}\u0000${chatId}`;

/**
 * Which gateway sessions follow which channel chats. `message.outbound` goes to the sessions
 * subscribed to the message's channel and chat, and to no other connection. A gateway
 * session that expired is forgotten the next time a message would have reached it.
 */
export class ChatSubscriptions {
  private readonly sessionsByChat = new Map<string, Set<string>>();

  constructor(private readonly gateway: Gateway) {}

  subscribe(sessionId: string, channel: string, chatId: string): void {
    const key = chatKey(channel, chatId);
    const sessions = this.sessionsByChat.get(key) ?? new Set<string>();
    sessions.add(sessionId);
    this.sessionsByChat.set(key, sessions);
  }

  /** False when the session was not subscribed to that chat. */
  unsubscribe(sessionId: string, channel: string, chatId: string): boolean {
    const key = chatKey(channel, chatId);
    const sessions = this.sessionsByChat.get(key);
    const removed = sessions?.delete(sessionId) ?? false;
    if (sessions?.size === 0) this.sessionsByChat.delete(key);
    return removed;
  }

  /** Whether a live session follows the chat; expired sessions are forgotten here. */
  has(channel: string, chatId: string): boolean {
    return this.liveSessions(chatKey(channel, chatId)).length > 0;
  }

  /** Live gateway sessions subscribed to at least one chat of `channel`. */
  subscriberCount(channel: string): number {
    const sessions = new Set<string>();
    for (const key of [...this.sessionsByChat.keys()]) {
      if (!key.startsWith(`${channel}\u0000`)) continue;
      for (const id of this.liveSessions(key)) sessions.add(id);
    }
    return sessions.size;
  }

  /** The sessions of a chat that still exist, forgetting the ones that expired. */
  private liveSessions(key: string): string[] {
    const sessions = this.sessionsByChat.get(key);
    if (!sessions) return [];
    for (const id of [...sessions]) if (!this.gateway.session(id)) sessions.delete(id);
    if (sessions.size === 0) this.sessionsByChat.delete(key);
    return [...sessions];
  }

  /** Sends `message.outbound` to every session subscribed to the chat; returns how many. */
  notify(message: StoredBusMessage): number {
    const key = chatKey(message.channel, message.chatId);
    const sessions = this.sessionsByChat.get(key);
    if (!sessions) return 0;
    let notified = 0;
    for (const sessionId of [...sessions]) {
      const session = this.gateway.session(sessionId);
      if (!session) {
        sessions.delete(sessionId);
        continue;
      }
      const runId = message.metadata?.['runId'];
      session.emit('message.outbound', {
        messageId: message.id,
        channel: message.channel,
        chatId: message.chatId,
        senderId: message.senderId,
        content: message.content,
        timestamp: message.timestamp,
        ...(typeof runId === 'string' ? { runId } : {}),
      });
      notified += 1;
    }
    if (sessions.size === 0) this.sessionsByChat.delete(key);
    return notified;
  }
}
