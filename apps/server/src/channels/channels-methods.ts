import { randomUUID } from 'node:crypto';
import type { Gateway } from '@clawgate/gateway';
import { RpcError, methods } from '@clawgate/protocol';
import type { ChannelHub } from './channel-hub.js';
import type { ChatSubscriptions } from './chat-subscriptions.js';
import { requestHash, type IdempotencyStore } from '../store/idempotency-store.js';

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
  idempotency: IdempotencyStore;
}): void {
  const { gateway, hub, subscriptions, idempotency } = options;

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
      if (!hub.canReach(params.channel, params.chatId)) {
        throw RpcError.server(
          'NOT_FOUND',
          `no session is subscribed to ${params.channel} chat ${JSON.stringify(params.chatId)}`,
        );
      }
      const messageId = randomUUID();
      if (params.idempotencyKey !== undefined) {
        const claim = idempotency.claim({
          owner: context.principal,
          kind: 'send',
          key: params.idempotencyKey,
          targetId: messageId,
          requestHash: requestHash({
            channel: params.channel,
            chatId: params.chatId,
            content: params.content,
          }),
        });
        if (claim.kind === 'repeat') {
          return { messageId: claim.targetId, status: 'queued' as const, repeated: true };
        }
        if (claim.kind === 'conflict') {
          throw RpcError.server(
            'CONFLICT',
            `idempotency key ${JSON.stringify(params.idempotencyKey)} was used for a different message`,
          );
        }
      }

      try {
        await hub.send(
          {
            id: messageId,
            channel: params.channel,
            chatId: params.chatId,
            senderId: context.principal,
            content: params.content,
          },
          AbortSignal.timeout(SEND_QUEUE_TIMEOUT_MS),
        );
      } catch {
        // Not queued: a retry with the same key must send it, not report it as sent.
        if (params.idempotencyKey !== undefined) {
          idempotency.release({
            owner: context.principal,
            kind: 'send',
            key: params.idempotencyKey,
            targetId: messageId,
          });
        }
        throw RpcError.server('RATE_LIMITED', 'the outbound queue is full; try again', {
          retryAfterMs: 1_000,
        });
      }
      return { messageId, status: 'queued' as const, repeated: false };
    },
  });
}
