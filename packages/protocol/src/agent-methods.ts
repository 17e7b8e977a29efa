import { z } from 'zod';

/** Token counts of one turn. */
export const usageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
});

/** Token counts of one turn. */
export type Usage = z.infer<typeof usageSchema>;

/** Params of `agent`: start a turn; it streams as `agent.event` notifications. */
export const agentParamsSchema = z.strictObject({
  /** Conversation name (persisted history); a fresh one is made when omitted. */
  sessionKey: z.string().min(1).max(200).optional(),
  message: z.string().min(1),
  model: z.string().min(1).optional(),
  /** The same key within the idempotency window returns the same run. */
  idempotencyKey: z.string().min(1).max(200).optional(),
});

/** Params of `agent`. */
export type AgentParams = z.infer<typeof agentParamsSchema>;

/** Result of `agent`, sent at once. */
export const agentResultSchema = z.object({
  runId: z.string().min(1),
  status: z.literal('accepted'),
});

/** Result of `agent`. */
export type AgentResult = z.infer<typeof agentResultSchema>;

/** Params of `agent.wait`: block until the run ends or `timeoutMs` passes. */
export const agentWaitParamsSchema = z.strictObject({
  runId: z.string().min(1),
  /** Longest wait, in milliseconds; the server picks a bound when omitted. */
  timeoutMs: z.number().int().nonnegative().optional(),
});

/** Params of `agent.wait`. */
export type AgentWaitParams = z.infer<typeof agentWaitParamsSchema>;

/** Result of `agent.wait`; `running` means the wait timed out before the run ended. */
export const agentWaitResultSchema = z.object({
  runId: z.string().min(1),
  status: z.enum(['done', 'error', 'running']),
  text: z.string().optional(),
  usage: usageSchema.optional(),
  /** The profile that served the answer, for a run that is done. */
  profile: z.string().optional(),
  error: z
    .object({
      code: z.string(),
      message: z.string(),
      retryAfterMs: z.number().nonnegative().optional(),
    })
    .optional(),
});

/** Result of `agent.wait`. */
export type AgentWaitResult = z.infer<typeof agentWaitResultSchema>;

/** Params of `agent.abort`: stop a run and its upstream request. */
export const agentAbortParamsSchema = z.strictObject({
  runId: z.string().min(1),
});

/** Params of `agent.abort`. */
export type AgentAbortParams = z.infer<typeof agentAbortParamsSchema>;

/** Result of `agent.abort`; `aborted` is false when the run had already ended. */
export const agentAbortResultSchema = z.object({
  runId: z.string().min(1),
  aborted: z.boolean(),
});

/** Result of `agent.abort`. */
export type AgentAbortResult = z.infer<typeof agentAbortResultSchema>;
