import { z } from 'zod';
import { usageSchema } from './agent-methods.js';

const agentEventBase = {
  /** Position in the gateway session's event stream, +1 per event. */
  seq: z.number().int().nonnegative(),
  runId: z.string().min(1),
  sessionKey: z.string().min(1),
};

/** Params of the `agent.event` notification: one step of a streamed turn. */
export const agentEventSchema = z.discriminatedUnion('type', [
  z.object({ ...agentEventBase, type: z.literal('start'), model: z.string().optional() }),
  z.object({ ...agentEventBase, type: z.literal('delta'), text: z.string() }),
  z.object({
    ...agentEventBase,
    type: z.literal('tool_call'),
    toolCall: z.object({ id: z.string(), name: z.string(), arguments: z.string() }),
  }),
  z.object({
    ...agentEventBase,
    type: z.literal('tool_result'),
    toolCallId: z.string(),
    content: z.string(),
    isError: z.boolean(),
  }),
  /**
   * Older messages were left out of the call to fit the context window of `profile`:
   * `droppedMessages` whole messages, the oldest ones, never part of one.
   */
  z.object({
    ...agentEventBase,
    type: z.literal('context_trimmed'),
    profile: z.string(),
    droppedMessages: z.number().int().positive(),
  }),
  z.object({
    ...agentEventBase,
    type: z.literal('failover'),
    from: z.string(),
    to: z.string(),
    reason: z.string(),
    message: z.string().optional(),
  }),
  z.object({
    ...agentEventBase,
    type: z.literal('done'),
    text: z.string(),
    finishReason: z.string(),
    usage: usageSchema,
    profile: z.string(),
  }),
  z.object({
    ...agentEventBase,
    type: z.literal('error'),
    error: z.object({
      code: z.string(),
      message: z.string(),
      retryAfterMs: z.number().nonnegative().optional(),
    }),
    /** Whether content had already been streamed before the failure. */
    partial: z.boolean(),
  }),
]);

/** Params of the `agent.event` notification. */
export type AgentEvent = z.infer<typeof agentEventSchema>;

/** The `type` of an agent event: `'start' | 'delta' | ...`. */
export type AgentEventType = AgentEvent['type'];

/** One variant of {@link AgentEvent}, by its `type`. */
export type AgentEventOf<Type extends AgentEventType> = Extract<AgentEvent, { type: Type }>;

/**
 * An agent event before the gateway numbers it: what an emitter passes to
 * `session.emit('agent.event', ...)`, which adds `seq`.
 */
export type UnsequencedAgentEvent = AgentEvent extends infer Event
  ? Event extends AgentEvent
    ? Omit<Event, 'seq'>
    : never
  : never;
