import { z } from 'zod';

/** A channel name as configured: 1-64 letters, digits, `_` or `-`. */
const channelNameSchema = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'a channel name');
/** A chat inside a channel, as the channel names it. */
const chatIdSchema = z.string().min(1).max(200);

/** How far a channel got: `failed` means it could not start, and `lastError` says why. */
export const channelStateSchema = z.enum(['stopped', 'starting', 'running', 'failed']);

/** One channel as `channels.list` reports it. */
export const channelSummarySchema = z.object({
  name: z.string(),
  /** What the channel is: `websocket` (the gateway itself) or `webhook`. */
  kind: z.string(),
  state: channelStateSchema,
});

/** The counters of one channel, as `channels.status` reports them. */
export const channelStatusSchema = channelSummarySchema.extend({
  inbound: z.object({
    /** Messages accepted and handed to the agent. */
    accepted: z.number().int().nonnegative(),
    /** Requests refused: bad signature, bad body, stale timestamp. */
    refused: z.number().int().nonnegative(),
    /** Repeats of a message id already accepted, answered without a second turn. */
    duplicates: z.number().int().nonnegative(),
  }),
  outbound: z.object({
    delivered: z.number().int().nonnegative(),
    /** Waiting for their first or next delivery attempt. */
    pending: z.number().int().nonnegative(),
    /** Delivery attempts that failed and will be retried. */
    retries: z.number().int().nonnegative(),
    /** Messages given up on; each is kept in the dead-letter record. */
    deadLettered: z.number().int().nonnegative(),
  }),
  /** Gateway sessions subscribed to at least one chat of this channel. */
  subscribers: z.number().int().nonnegative(),
  lastError: z.string().optional(),
});

/** The bus counters one direction reports in `channels.status`. */
export const busDirectionStatusSchema = z.object({
  published: z.number().int().nonnegative(),
  /** Messages waiting for a first subscriber. */
  queued: z.number().int().nonnegative(),
  waitingPublishers: z.number().int().nonnegative(),
  laggingSubscribers: z.number().int().nonnegative(),
  subscribers: z.array(
    z.object({
      name: z.string(),
      pending: z.number().int().nonnegative(),
      delivered: z.number().int().nonnegative(),
      failed: z.number().int().nonnegative(),
      discarded: z.number().int().nonnegative(),
      lagging: z.boolean(),
      lagEpisodes: z.number().int().nonnegative(),
    }),
  ),
});

/** Params of `channels.list`. */
export const channelsListParamsSchema = z.strictObject({});

/** Result of `channels.list`. */
export const channelsListResultSchema = z.object({ channels: z.array(channelSummarySchema) });

/** Params of `channels.status`: one channel, or every channel when `channel` is absent. */
export const channelsStatusParamsSchema = z.strictObject({ channel: channelNameSchema.optional() });

/** Result of `channels.status`. */
export const channelsStatusResultSchema = z.object({
  channels: z.array(channelStatusSchema),
  bus: z.object({ inbound: busDirectionStatusSchema, outbound: busDirectionStatusSchema }),
});

/** Params of `channels.subscribe` and `channels.unsubscribe`: one chat of one channel. */
export const channelChatParamsSchema = z.strictObject({
  channel: channelNameSchema,
  chatId: chatIdSchema,
});

/** Result of `channels.subscribe`. */
export const channelsSubscribeResultSchema = z.object({ subscribed: z.literal(true) });

/** Result of `channels.unsubscribe`: false when the session was not subscribed. */
export const channelsUnsubscribeResultSchema = z.object({ unsubscribed: z.boolean() });

/**
 * Params of `send`: a message out through `channel` to `chatId`. A repeat of the same
 * `idempotencyKey` within minutes returns the first message's id and sends nothing.
 */
export const sendParamsSchema = z.strictObject({
  channel: channelNameSchema,
  chatId: chatIdSchema,
  content: z.string().min(1).max(100_000),
  idempotencyKey: z.string().min(1).max(200).optional(),
});

/** Result of `send`: the message is queued for delivery. */
export const sendResultSchema = z.object({
  messageId: z.string(),
  status: z.literal('queued'),
  /** True when an earlier `send` with the same idempotency key queued it. */
  repeated: z.boolean(),
});

/**
 * Params of the `message.outbound` notification, sent only to sessions subscribed to the
 * message's channel and chat.
 */
export const messageOutboundParamsSchema = z.object({
  seq: z.number().int().nonnegative(),
  messageId: z.string(),
  channel: z.string(),
  chatId: z.string(),
  senderId: z.string(),
  content: z.string(),
  /** When the message was created, in epoch milliseconds. */
  timestamp: z.number(),
  /** The run that wrote it, for an agent's answer. */
  runId: z.string().optional(),
});
