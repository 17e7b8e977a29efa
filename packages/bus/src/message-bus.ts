import type { BusMessage } from './bus-message.js';
import type { ChannelStats, SubscriberReport } from './channel-stats.js';
import { MessageChannel } from './message-channel.js';

/** Which way a message travels: `'inbound'` to the agent, `'outbound'` back to channels. */
export type BusDirection = 'inbound' | 'outbound';

/** Told when a subscriber of either direction starts lagging or catches up. */
export type BusSubscriberListener = (report: SubscriberReport, direction: BusDirection) => void;

/** Options of a {@link MessageBus}; they apply to both directions. */
export interface MessageBusOptions<Message> {
  /** Most messages queued per subscriber and direction before `publish` waits; default 1000. */
  capacity?: number;
  /**
   * Pending messages at which a subscriber starts lagging; a positive integer no greater
   * than `capacity`, default half of `capacity` rounded down, at least 1.
   */
  lagThreshold?: number;
  /** Receives errors thrown by subscribers of either direction. */
  onHandlerError?: (error: unknown, message: Message, direction: BusDirection) => void;
  /** Told once per episode, when a subscriber's pending count reaches `lagThreshold`. */
  onSubscriberLagging?: BusSubscriberListener;
  /** Told when a lagging subscriber's pending count drops to zero. */
  onSubscriberCaughtUp?: BusSubscriberListener;
}

/** A snapshot of both directions of a {@link MessageBus}. */
export interface MessageBusStats {
  inbound: ChannelStats;
  outbound: ChannelStats;
}

/**
 * The in-process bus between chat channels and the agent: `inbound` carries user messages
 * to the agent, `outbound` carries replies back to the channels.
 * @example
 * const bus = new MessageBus({ onSubscriberLagging: (report, direction) => { ... } });
 * const unsubscribe = bus.inbound.subscribe(async (message) => { ... }, { name: 'agent' });
 * await bus.inbound.publish({ channel: 'cli', chatId: '1', senderId: 'me', content: 'hi',
 *   timestamp: Date.now() });
 */
export class MessageBus<Message extends BusMessage = BusMessage> {
  /** Messages from channels to the agent. */
  readonly inbound: MessageChannel<Message>;
  /** Messages from the agent to channels. */
  readonly outbound: MessageChannel<Message>;

  /** @throws RangeError when `capacity` or `lagThreshold` is out of range. */
  constructor(options: MessageBusOptions<Message> = {}) {
    this.inbound = MessageBus.#channel(options, 'inbound');
    this.outbound = MessageBus.#channel(options, 'outbound');
  }

  /** A snapshot of both directions; see {@link MessageChannel.stats}. */
  stats(): MessageBusStats {
    return { inbound: this.inbound.stats(), outbound: this.outbound.stats() };
  }

  /** Closes both directions; see {@link MessageChannel.close}. */
  async close(): Promise<void> {
    await Promise.all([this.inbound.close(), this.outbound.close()]);
  }

  static #channel<Message>(
    options: MessageBusOptions<Message>,
    direction: BusDirection,
  ): MessageChannel<Message> {
    const { onHandlerError, onSubscriberLagging, onSubscriberCaughtUp } = options;
    return new MessageChannel<Message>({
      capacity: options.capacity,
      lagThreshold: options.lagThreshold,
      onHandlerError:
        onHandlerError && ((error, message) => onHandlerError(error, message, direction)),
      onSubscriberLagging:
        onSubscriberLagging && ((report) => onSubscriberLagging(report, direction)),
      onSubscriberCaughtUp:
        onSubscriberCaughtUp && ((report) => onSubscriberCaughtUp(report, direction)),
    });
  }
}
