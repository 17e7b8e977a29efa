import { z } from 'zod';
import { PROTOCOL_VERSION } from './protocol-version.js';

/** Where a reconnecting client left off: its gateway session and the last `seq` it saw. */
export const resumeSchema = z.strictObject({
  sessionId: z.string().min(1),
  lastSeq: z.number().int().nonnegative(),
});

/** Where a reconnecting client left off. */
export type Resume = z.infer<typeof resumeSchema>;

/** Params of `connect`: the first frame of a connection that did not authenticate by header. */
export const connectParamsSchema = z.strictObject({
  token: z.string(),
  client: z
    .object({
      name: z.string().min(1).max(200),
      version: z.string().max(100).optional(),
    })
    .optional(),
  resume: resumeSchema.optional(),
});

/** Params of `connect`. */
export type ConnectParams = z.infer<typeof connectParamsSchema>;

/**
 * Params of the `connected` notification, also the result of `connect`.
 * `sessionId` is the gateway session (it survives reconnects), not a conversation.
 */
export const connectedParamsSchema = z.object({
  sessionId: z.string().min(1),
  connectionId: z.string().min(1),
  protocol: z.literal(PROTOCOL_VERSION),
  resumed: z.boolean(),
  /** Interval between server pings, in milliseconds. */
  heartbeatMs: z.number().int().positive(),
  /** Largest frame the server accepts, in bytes. */
  maxPayloadBytes: z.number().int().positive(),
});

/** Params of the `connected` notification, also the result of `connect`. */
export type ConnectedParams = z.infer<typeof connectedParamsSchema>;
