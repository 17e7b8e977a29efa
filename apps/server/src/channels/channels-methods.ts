import type { Gateway } from '@clawgate/gateway';
import { RpcError, methods } from '@clawgate/protocol';
import type { ChannelHub } from './channel-hub.js';
import type { ChatSubscriptions } from './chat-subscriptions.js';

/** How long a `send` idempotency key keeps returning its message, in ms: 10 minutes. */
const SEND_IDEMPOTENCY_WINDOW_MS = 600_000;
/** Most `send` idempotency keys remembered; the oldest is forgotten beyond it. */
const MAX_SEND_KEYS = 10_000;
/** Longest `send` waits for room on a full outbound bus before answering RATE_LIMITED. */
const SEND_QUEUE_TIMEOUT_MS = 5_000;

const noSuchChannel = (channel: string): RpcError =>
  RpcError.server('NOT_FOUND', `no channel named ${JSON.stringify(channel)}`);

/**
 * Registers `channels.list`, `channels.status`, `channels.subscribe`, `channels.unsubscribe`
 * and `send`. Channels are the server's, shared by every token: any authenticated session
 * may follow a chat or send to it.
 */
export function registerChannelsMethods(options: {
  gateway: Gateway;
  hub: ChannelHub;
  subscriptions: ChatSubscriptions;
}): void {
  const { gateway, hub, subscriptions } = options;
  const sent = new Map<string, { messageId: string; atMs: number }>();

  gateway.method('channels.list', {
    params: methods['channels.list'].params,
    handler: async () => ({ channels: hub.list() }),
  });

  gateway.method('channels.status', {
    params: methods['channels.status'].params,
    handler: async (params) => {
      if (params.channel !== undefined && !hub.has(params.channel)) {
        throw noSuchChannel(params.channel);
      }
      return hub.status(params.channel);
    },
  });

  gateway.method('channels.subscribe', {
    params: methods['channels.subscribe'].params,
    handler: async (params, context) => {
      if (!hub.has(params.channel)) throw noSuchChannel(params.channel);
      subscriptions.subscribe(context.session.id, params.channel, params.chatId);
      return { subscribed: true as const };
    },
  });

  gateway.method('channels.unsubscribe', {
    params: methods['channels.unsubscribe'].params,
    handler: async (params, context) => ({
      unsubscribed: subscriptions.unsubscribe(context.session.id, params.channel, params.chatId),
    }),
  });

  gateway.method('send', {
    params: methods.send.params,
    handler: async (params, context) => {
      if (!hub.has(params.channel)) throw noSuchChannel(params.channel);
      const key =
        params.idempotencyKey === undefined
          ? undefined
          : `${context.principal}\u0000${params.idempotencyKey}`;
      const earlier = key === undefined ? undefined : sent.get(key);
      if (earlier && Date.now() - earlier.atMs < SEND_IDEMPOTENCY_WINDOW_MS) {
        return { messageId: earlier.messageId, status: 'queued' as const, repeated: true };
      }

      let messageId: string;
      try {
        messageId = await hub.send(
          {
            channel: params.channel,
            chatId: params.chatId,
            senderId: context.principal,
            content: params.content,
          },
          AbortSignal.timeout(SEND_QUEUE_TIMEOUT_MS),
        );
      } catch {
        throw RpcError.server('RATE_LIMITED', 'the outbound queue is full; try again', {
          retryAfterMs: 1_000,
        });
      }
      if (key !== undefined) {
        sent.delete(key);
        sent.set(key, { messageId, atMs: Date.now() });
        if (sent.size > MAX_SEND_KEYS) {
          const oldest = sent.keys().next();
          if (!oldest.done) sent.delete(oldest.value);
        }
      }
      return { messageId, status: 'queued' as const, repeated: false };
    },
  });
}
