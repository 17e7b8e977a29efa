import type { BusMedia } from './bus-media.js';

/** One chat message crossing the bus, in either direction. */
export interface BusMessage {
  /**
   * A sender-chosen id, unique per sender, so a receiver can drop a message delivered twice
   * (idempotency). The bus neither sets nor checks it; absent when the sender has none.
   */
  id?: string;
  /** Channel kind, e.g. `'telegram'`, `'slack'`, `'websocket'`. */
  channel: string;
  /** The conversation inside the channel. */
  chatId: string;
  /** Who wrote the message (a user id inbound, the agent outbound). */
  senderId: string;
  /** The message text; empty when the message carries only media. */
  content: string;
  /** Attachments in the order the sender gave them; absent or empty when there are none. */
  media?: readonly BusMedia[];
  /** Channel-specific extras; the bus never reads them. */
  metadata?: Record<string, unknown>;
  /** When the message was created, in milliseconds since the Unix epoch. */
  timestamp: number;
}

/**
 * A subscriber. Each subscriber gets messages one at a time: the channel awaits its handler
 * before handing it the next message.
 */
export type BusHandler<Message> = (message: Message) => void | Promise<void>;

/**
 * Receives every error a subscriber throws; that subscriber goes on with its next message.
 * An error thrown by the listener itself is swallowed.
 */
export type BusHandlerErrorListener<Message> = (error: unknown, message: Message) => void;
