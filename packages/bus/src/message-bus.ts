import type { BusHandlerErrorListener, BusMessage } from './bus-message.js';
import { MessageChannel } from './message-channel.js';

/** Options of a {@link MessageBus}; they apply to both directions. */
export interface MessageBusOptions<Message> {
  /** Most messages queued per direction before `publish` waits; default 1000. */
  capacity?: number;
  /** Receives errors thrown by subscribers of either direction. */
  onHandlerError?: (error: unknown, message: Message, direction: 'inbound' | 'outbound') => void;
}

/**
 * The in-process bus between chat channels and the agent: `inbound` carries user messages
 * to the agent, `outbound` carries replies back to the channels.
 * @example
 * const bus = new MessageBus();
 * const unsubscribe = bus.inbound.subscribe(async (message) => { ... });
 * await bus.inbound.publish({ channel: 'cli', chatId: '1', senderId: 'me', content: 'hi',
 *   timestamp: Date.now() });
 */
export class MessageBus<Message extends BusMessage = BusMessage> {
  /** Messages from channels to the agent. */
  readonly inbound: MessageChannel<Message>;
  /** Messages from the agent to channels. */
  readonly outbound: MessageChannel<Message>;

  constructor(options: MessageBusOptions<Message> = {}) {
    const listenerFor = (
      direction: 'inbound' | 'outbound',
    ): BusHandlerErrorListener<Message> | undefined => {
      const onHandlerError = options.onHandlerError;
      if (onHandlerError === undefined) return undefined;
      return (error, message) => onHandlerError(error, message, direction);
    };

    this.inbound = new MessageChannel<Message>({
      ...(options.capacity === undefined ? {} : { capacity: options.capacity }),
      onHandlerError: listenerFor('inbound'),
    });
    this.outbound = new MessageChannel<Message>({
      ...(options.capacity === undefined ? {} : { capacity: options.capacity }),
      onHandlerError: listenerFor('outbound'),
    });
  }

  /** Closes both directions; see {@link MessageChannel.close}. */
  async close(): Promise<void> {
    await Promise.all([this.inbound.close(), this.outbound.close()]);
  }
}
