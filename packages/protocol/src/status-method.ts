import { z } from 'zod';

/** Params of `status`: none. */
export const statusParamsSchema = z.strictObject({});

/** Result of `status`: what the server is doing now. */
export const statusResultSchema = z.object({
  version: z.string(),
  /** Time since the server started, in milliseconds. */
  uptimeMs: z.number().nonnegative(),
  /** Open WebSocket connections. */
  connections: z.number().int().nonnegative(),
  /** Live gateway sessions, with or without a connection. */
  sessions: z.number().int().nonnegative(),
  /** Agent runs still running. */
  runningRuns: z.number().int().nonnegative(),
  /** Provider profiles configured, and how many can take a turn now. */
  profiles: z.object({ total: z.number().int(), usable: z.number().int() }),
  /** True from the moment a shutdown began. */
  shuttingDown: z.boolean(),
});

/** Result of `status`. */
export type StatusResult = z.infer<typeof statusResultSchema>;
