import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChannelStore, StoredBusMessage } from '../store/channel-store.js';
import type { Channel, ChannelContext, ChannelState, ChannelStatus } from './channel.js';
import { WebhookDelivery } from './webhook-delivery.js';
import { handleWebhookInbound, type InboundCounters } from './webhook-inbound.js';

/** How long `stop` goes on delivering what is due, in ms. */
const STOP_DRAIN_MS = 5_000;

/** Options of a {@link WebhookChannel}; times in ms. */
export interface WebhookChannelOptions {
  name: string;
  /** Shared secret: inbound requests must be signed with it, and outbound ones are. */
  secret: string;
  /** Where outbound messages are POSTed. */
  outboundUrl: string;
  store: ChannelStore;
  /** Default 5. */
  maxAttempts?: number;
  /** Default 1 000, doubling per attempt. */
  retryInitialMs?: number;
  /** Default 60 000. */
  retryMaxMs?: number;
  /** Longest one outbound POST may take. Default 10 000. */
  timeoutMs?: number;
  /** Largest inbound body. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Longest an inbound request waits for room on a full bus. Default 5 000. */
  receiveTimeoutMs?: number;
}

/**
 * A webhook channel: inbound HTTP POSTs signed with HMAC-SHA256 (see `webhook-signature`)
 * become agent turns on the conversation `<name>:<chatId>`, and outbound messages are POSTed
 * to a configured URL with retries and a dead-letter record.
 */
export class WebhookChannel implements Channel {
  readonly kind = 'webhook';
  readonly name: string;
  /** Path of the inbound route on the gateway's port. */
  readonly inboundPath: string;
  private state: ChannelState = 'stopped';
  private context: ChannelContext | undefined;
  private readonly counters: InboundCounters = {
    accepted: 0,
    refused: 0,
    duplicates: 0,
    reading: 0,
  };
  private readonly delivery: WebhookDelivery;

  constructor(private readonly options: WebhookChannelOptions) {
    this.name = options.name;
    this.inboundPath = `/channels/${options.name}/messages`;
    this.delivery = new WebhookDelivery({
      channel: options.name,
      url: options.outboundUrl,
      secret: options.secret,
      store: options.store,
      maxAttempts: options.maxAttempts ?? 5,
      retryInitialMs: options.retryInitialMs ?? 1_000,
      retryMaxMs: options.retryMaxMs ?? 60_000,
      timeoutMs: options.timeoutMs ?? 10_000,
    });
  }

  async start(context: ChannelContext): Promise<void> {
    this.context = context;
    this.delivery.start();
    this.state = 'running';
  }

  /** Delivers what is due for up to 5 s more (answers of turns that just ended), then stops. */
  async stop(): Promise<void> {
    this.context = undefined;
    await this.delivery.drain(STOP_DRAIN_MS);
    this.state = 'stopped';
  }

  /** Stores the message as pending, then delivers it in the background. */
  async send(message: StoredBusMessage): Promise<void> {
    this.options.store.enqueueOutbound(message);
    this.delivery.kick();
  }

  /** The route handler for {@link inboundPath}. */
  readonly handleInbound = (request: IncomingMessage, response: ServerResponse): Promise<void> =>
    handleWebhookInbound(request, response, {
      channel: this.name,
      secret: this.options.secret,
      maxBodyBytes: this.options.maxBodyBytes ?? 1_048_576,
      receiveTimeoutMs: this.options.receiveTimeoutMs ?? 5_000,
      context: this.context,
      counters: this.counters,
    });

  status(): ChannelStatus {
    const counts = this.options.store.outboundCounts(this.name);
    return {
      name: this.name,
      kind: this.kind,
      state: this.state,
      inbound: {
        accepted: this.counters.accepted,
        refused: this.counters.refused,
        duplicates: this.counters.duplicates,
      },
      outbound: {
        delivered: counts.delivered,
        pending: counts.pending,
        retries: this.delivery.retries,
        deadLettered: counts.dead,
      },
      ...(this.delivery.lastError === undefined ? {} : { lastError: this.delivery.lastError }),
    };
  }
}
