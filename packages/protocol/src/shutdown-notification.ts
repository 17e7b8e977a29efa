import { z } from 'zod';

/**
 * Params of the `shutdown` notification: the server stopped accepting work. Running turns may
 * finish for `graceMs`; then the rest are aborted and every socket closes with 1001.
 */
export const shutdownParamsSchema = z.object({
  seq: z.number().int().nonnegative(),
  graceMs: z.number().int().nonnegative(),
});

/** Params of the `shutdown` notification. */
export type ShutdownParams = z.infer<typeof shutdownParamsSchema>;
