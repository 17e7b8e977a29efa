import type { StoredBusMessage } from '../store/channel-store.js';
import type { Channel, ChannelState, ChannelStatus } from './channel.js';
import type { ChatSubscriptions } from './chat-subscriptions.js';

/**
 * The gateway itself as a channel, named `websocket`: a message sent to one of its chats is
 * delivered as `message.outbound` to the WebSocket sessions subscribed to that chat, and only
 * to them. Clients talk to the agent through the `agent` method, so nothing comes in here.
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

  /** A message no session follows has no one to reach; it is counted as delivered to none. */
  async send(message: StoredBusMessage): Promise<void> {
    this.subscriptions.notify(message);
    this.delivered += 1;
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
