import type { z } from 'zod';
import { agentEventSchema } from './agent-event.js';
import { messageOutboundParamsSchema } from './channels-methods.js';
import { connectedParamsSchema } from './connect-method.js';
import { shutdownParamsSchema } from './shutdown-notification.js';
import { sessionsChangedParamsSchema } from './sessions-methods.js';

/**
 * Every server-to-client notification of the protocol with its params schema, keyed by
 * method name.
 */
export const notifications = {
  connected: connectedParamsSchema,
  'agent.event': agentEventSchema,
  shutdown: shutdownParamsSchema,
  'sessions.changed': sessionsChangedParamsSchema,
  'message.outbound': messageOutboundParamsSchema,
} as const satisfies Record<string, z.ZodType>;

/** Name of a notification in {@link notifications}. */
export type NotificationName = keyof typeof notifications;

/** Params of a notification. */
export type NotificationParams<Name extends NotificationName> = z.output<
  (typeof notifications)[Name]
>;

/** Type guard: whether a string names a notification in {@link notifications}. */
export function isNotificationName(name: string): name is NotificationName {
  return Object.hasOwn(notifications, name);
}
