import { z } from 'zod';

const sessionKeySchema = z.string().min(1).max(200);

/** A conversation as the sessions methods report it. Times are epoch milliseconds. */
export const sessionSummarySchema = z.object({
  sessionKey: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  messageCount: z.number().int().nonnegative(),
});

/** Params of `sessions.list`: a page of conversations, most recently updated first. */
export const sessionsListParamsSchema = z.strictObject({
  /** Page size, 1..200. Default 50. */
  limit: z.number().int().min(1).max(200).optional(),
  /** `nextCursor` of the previous page. */
  cursor: z.string().min(1).max(1_000).optional(),
});

/** Result of `sessions.list`; `nextCursor` is absent on the last page. */
export const sessionsListResultSchema = z.object({
  sessions: z.array(sessionSummarySchema),
  nextCursor: z.string().optional(),
});

/** Params of `sessions.get`, `sessions.reset` and `sessions.delete`. */
export const sessionKeyParamsSchema = z.strictObject({ sessionKey: sessionKeySchema });

/** One stored message of a conversation. */
export const storedMessageSchema = z.object({
  id: z.number().int(),
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: z.string(),
  createdAt: z.number(),
  toolCalls: z
    .array(z.object({ id: z.string(), name: z.string(), arguments: z.string() }))
    .optional(),
  toolCallId: z.string().optional(),
});

/** Params of `sessions.history`: a page of messages, oldest first. */
export const sessionsHistoryParamsSchema = z.strictObject({
  sessionKey: sessionKeySchema,
  /** Page size, 1..500. Default 100. */
  limit: z.number().int().min(1).max(500).optional(),
  /** Only messages after this id (the previous page's `nextAfterId`). */
  afterId: z.number().int().nonnegative().optional(),
});

/** Result of `sessions.history`; `nextAfterId` is absent on the last page. */
export const sessionsHistoryResultSchema = z.object({
  sessionKey: z.string(),
  messages: z.array(storedMessageSchema),
  nextAfterId: z.number().int().optional(),
});

/** Result of `sessions.reset`: the messages are gone, the conversation stays. */
export const sessionsResetResultSchema = z.object({
  sessionKey: z.string(),
  reset: z.literal(true),
});

/** Result of `sessions.delete`. */
export const sessionsDeleteResultSchema = z.object({
  sessionKey: z.string(),
  deleted: z.literal(true),
});

/** Params of `sessions.subscribe`: from now on, this session gets `sessions.changed`. */
export const sessionsSubscribeParamsSchema = z.strictObject({});

/** Result of `sessions.subscribe`. */
export const sessionsSubscribeResultSchema = z.object({ subscribed: z.literal(true) });

/** Params of the `sessions.changed` notification: one of the caller's conversations changed. */
export const sessionsChangedParamsSchema = z.object({
  seq: z.number().int().nonnegative(),
  sessionKey: z.string(),
  change: z.enum(['updated', 'reset', 'deleted']),
});
