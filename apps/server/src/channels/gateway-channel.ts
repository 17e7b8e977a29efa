import type { StoredBusMessage } from '../store/channel-store.js';
import type { Channel, ChannelState, ChannelStatus } from './channel.js';
import type { ChatSubscriptions } from './chat-subscriptions.js';

/**
 * The gateway itself as a channel, named `websocket`: its chats exist only as subscriptions,
 * so a message to one reaches the WebSocket sessions subscribed to it (the hub hands every
 * outbound message to a chat's subscribers) and nobody else. Clients talk to the agent
 * through the `agent` method, so nothing comes in here.
 */
export class GatewayChannel implements Channel {
  readonly name = 'websocket';
  readonly kind = 'websocket';
  private state: ChannelState = 'stopped';
  private delivered = 0;

  constructor(private readonly subscriptions: ChatSubscriptions) {}

  async start(): Promise<void> {
    this.state = 'running';
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
  }

  /** The subscribers already have it; counted as delivered. */
  async send(_message: StoredBusMessage): Promise<void> {
    this.delivered += 1;
  }

  /** Only a chat some live session follows can be reached. */
  canReach(chatId: string): boolean {
    return this.subscriptions.has(this.name, chatId);
  }

  status(): ChannelStatus {
    return {
      name: this.name,
      kind: this.kind,
      state: this.state,
      inbound: { accepted: 0, refused: 0, duplicates: 0 },
      outbound: { delivered: this.delivered, pending: 0, retries: 0, deadLettered: 0 },
    };
  }
}
