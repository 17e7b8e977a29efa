import type { z } from 'zod';
import {
  agentAbortParamsSchema,
  agentAbortResultSchema,
  agentParamsSchema,
  agentResultSchema,
  agentWaitParamsSchema,
  agentWaitResultSchema,
} from './agent-methods.js';
import { connectParamsSchema, connectedParamsSchema } from './connect-method.js';
import { healthParamsSchema, healthResultSchema } from './health-method.js';
import { statusParamsSchema, statusResultSchema } from './status-method.js';
import {
  sessionKeyParamsSchema,
  sessionSummarySchema,
  sessionsDeleteResultSchema,
  sessionsHistoryParamsSchema,
  sessionsHistoryResultSchema,
  sessionsListParamsSchema,
  sessionsListResultSchema,
  sessionsResetResultSchema,
  sessionsSubscribeParamsSchema,
  sessionsSubscribeResultSchema,
} from './sessions-methods.js';
import {
  channelChatParamsSchema,
  channelsListParamsSchema,
  channelsListResultSchema,
  channelsStatusParamsSchema,
  channelsStatusResultSchema,
  channelsSubscribeResultSchema,
  channelsUnsubscribeResultSchema,
  sendParamsSchema,
  sendResultSchema,
} from './channels-methods.js';
import {
  providersStatusParamsSchema,
  providersStatusResultSchema,
} from './providers-status-method.js';

/** The params and result schemas of one method. */
export interface MethodSchemas {
  params: z.ZodType;
  result: z.ZodType;
}

/**
 * Every method of the protocol with its params and result schemas, keyed by method name.
 * The client derives its request types from it; the server validates params with it.
 */
export const methods = {
  connect: { params: connectParamsSchema, result: connectedParamsSchema },
  health: { params: healthParamsSchema, result: healthResultSchema },
  status: { params: statusParamsSchema, result: statusResultSchema },
  agent: { params: agentParamsSchema, result: agentResultSchema },
  'agent.wait': { params: agentWaitParamsSchema, result: agentWaitResultSchema },
  'agent.abort': { params: agentAbortParamsSchema, result: agentAbortResultSchema },
  'providers.status': { params: providersStatusParamsSchema, result: providersStatusResultSchema },
  'sessions.list': { params: sessionsListParamsSchema, result: sessionsListResultSchema },
  'sessions.get': { params: sessionKeyParamsSchema, result: sessionSummarySchema },
  'sessions.history': { params: sessionsHistoryParamsSchema, result: sessionsHistoryResultSchema },
  'sessions.reset': { params: sessionKeyParamsSchema, result: sessionsResetResultSchema },
  'sessions.delete': { params: sessionKeyParamsSchema, result: sessionsDeleteResultSchema },
  'sessions.subscribe': {
    params: sessionsSubscribeParamsSchema,
    result: sessionsSubscribeResultSchema,
  },
  'channels.list': { params: channelsListParamsSchema, result: channelsListResultSchema },
  'channels.status': { params: channelsStatusParamsSchema, result: channelsStatusResultSchema },
  'channels.subscribe': { params: channelChatParamsSchema, result: channelsSubscribeResultSchema },
  'channels.unsubscribe': {
    params: channelChatParamsSchema,
    result: channelsUnsubscribeResultSchema,
  },
  send: { params: sendParamsSchema, result: sendResultSchema },
} as const satisfies Record<string, MethodSchemas>;

/** Name of a method in {@link methods}. */
export type MethodName = keyof typeof methods;

/** Params of a method as a client sends them (before defaults apply). */
export type MethodParams<Method extends MethodName> = z.input<(typeof methods)[Method]['params']>;

/** Params of a method as a handler receives them (after validation). */
export type ParsedMethodParams<Method extends MethodName> = z.output<
  (typeof methods)[Method]['params']
>;

/** Result of a method. */
export type MethodResult<Method extends MethodName> = z.output<(typeof methods)[Method]['result']>;

/** Type guard: whether a string names a method in {@link methods}. */
export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(methods, name);
}
