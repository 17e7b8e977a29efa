import { MessageBus } from '@clawgate/bus';
import type { Gateway } from '@clawgate/gateway';
import type { Logger } from 'pino';
import type { AgentRunner } from '../agent-runner.js';
import type { Config } from '../config-schema.js';
import { ChannelStore, type StoredBusMessage } from '../store/channel-store.js';
import type { ClawgateDatabase } from '../store/database.js';
import type { IdempotencyStore } from '../store/idempotency-store.js';
import type { Channel } from './channel.js';
import { ChannelHub } from './channel-hub.js';
import { registerChannelsMethods } from './channels-methods.js';
import { ChatSubscriptions } from './chat-subscriptions.js';
import { GatewayChannel } from './gateway-channel.js';
import { WebhookChannel } from './webhook-channel.js';

/**
 * Builds the bus, the gateway channel and the configured webhook channels, serves each
 * webhook's inbound path on the gateway's port, and registers the channels methods. The hub
 * it returns is started by the caller once the rest of the server is ready.
 */
export function createChannels(options: {
  config: Config['channels'];
  database: ClawgateDatabase;
  runner: AgentRunner;
  gateway: Gateway;
  logger: Logger;
  /** Where `send` keeps its idempotency keys. */
  idempotency: IdempotencyStore;
}): { hub: ChannelHub; bus: MessageBus<StoredBusMessage> } {
  const { config, database, runner, gateway, logger, idempotency } = options;
  const store = new ChannelStore(database);
  const bus = new MessageBus<StoredBusMessage>({
    onHandlerError: (error, message, direction) =>
      logger.error(
        { err: error, direction, channel: message.channel, messageId: message.id },
        'a bus subscriber failed on a message',
      ),
    onSubscriberLagging: (report, direction) =>
      logger.warn({ direction, subscriber: report }, 'a bus subscriber is falling behind'),
    onSubscriberCaughtUp: (report, direction) =>
      logger.info({ direction, subscriber: report.name }, 'a bus subscriber caught up'),
  });
  const subscriptions = new ChatSubscriptions(gateway);
  const channels: Channel[] = [new GatewayChannel(subscriptions)];
  for (const webhook of config.webhooks) {
    const channel = new WebhookChannel({
      name: webhook.name,
      secret: webhook.secret,
      outboundUrl: webhook.outbound_url,
      store,
      maxAttempts: webhook.max_attempts,
      retryInitialMs: webhook.retry_initial_ms,
      retryMaxMs: webhook.retry_max_ms,
      timeoutMs: webhook.timeout_ms,
    });
    gateway.httpRoute(channel.inboundPath, channel.handleInbound);
    channels.push(channel);
  }
  const hub = new ChannelHub({
    bus,
    store,
    runner,
    subscriptions,
    channels,
    onError: (error, context) => logger.error({ err: error, ...context }, 'channel failure'),
  });
  registerChannelsMethods({ gateway, hub, subscriptions, idempotency });
  return { hub, bus };
}
