/** One chat message crossing the bus, in either direction. */
export interface BusMessage {
  /** Channel kind, e.g. `'telegram'`, `'slack'`, `'websocket'`. */
  channel: string;
  /** The conversation inside the channel. */
  chatId: string;
  /** Who wrote the message (a user id inbound, the agent outbound). */
  senderId: string;
  content: string;
  /** Channel-specific extras; the bus never reads them. */
  metadata?: Record<string, unknown>;
  /** When the message was created, in milliseconds since the Unix epoch. */
  timestamp: number;
}

/** A subscriber; the channel awaits it before delivering the next message. */
export type BusHandler<Message> = (message: Message) => void | Promise<void>;

/** Receives every error a subscriber throws; delivery goes on with the next subscriber. */
export type BusHandlerErrorListener<Message> = (error: unknown, message: Message) => void;
