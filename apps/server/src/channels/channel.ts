import type { BusMessage } from '@clawgate/bus';
import type { StoredBusMessage } from '../store/channel-store.js';

/** A channel's lifecycle state; `failed` means `start` threw, and `lastError` says why. */
export type ChannelState = 'stopped' | 'starting' | 'running' | 'failed';

/** What a channel reports for `channels.status`. */
export interface ChannelStatus {
  name: string;
  kind: string;
  state: ChannelState;
  inbound: { accepted: number; refused: number; duplicates: number };
  outbound: { delivered: number; pending: number; retries: number; deadLettered: number };
  lastError?: string;
}

/** How an inbound message is recognised when it comes again, and how long to wait for room. */
export interface ReceiveOptions {
  /** The sender's id of the message; unique per chat. */
  externalId?: string;
  /** The request's signature, so a replayed request is recognised. */
  signature?: string;
  signal?: AbortSignal;
}

/**
 * A message accepted (or recognised as a repeat: `duplicate`), or refused because its
 * `externalId` was used before for another message (`conflict`).
 */
export type ReceiveOutcome = { messageId: string; duplicate: boolean } | { conflict: true };

/** What the hub gives a channel when it starts it. */
export interface ChannelContext {
  /**
   * Hands an inbound message to the agent: stored first, then queued on the bus. Resolves
   * once it is safely queued; waits while the bus is full, and rejects when `signal` aborts
   * first or the bus closed, in which case the message was not accepted.
   */
  receive(message: Omit<BusMessage, 'id'>, options: ReceiveOptions): Promise<ReceiveOutcome>;
}

/**
 * A way for messages to come in from, and go out to, the outside world. The hub starts it,
 * hands it every outbound message addressed to it, and stops it at shutdown.
 */
export interface Channel {
  /** Unique among the server's channels; the `channel` of its messages. */
  readonly name: string;
  /** What it is, e.g. `websocket` or `webhook`. */
  readonly kind: string;
  start(context: ChannelContext): Promise<void>;
  /** Stops taking messages; what is still to deliver stays stored for the next start. */
  stop(): Promise<void>;
  /** Takes one outbound message for delivery. Resolves once the channel is responsible for it. */
  send(message: StoredBusMessage): Promise<void>;
  /**
   * Whether a message to `chatId` would reach anyone now; `send` refuses one that would not.
   * Absent: every chat is reachable (a webhook passes everything on).
   */
  canReach?(chatId: string): boolean;
  status(): ChannelStatus;
}
