import { z } from 'zod';

/** Params of `health`: none (omitted params are read as `{}`). */
export const healthParamsSchema = z.strictObject({});

/** Result of `health`. */
export const healthResultSchema = z.object({
  ok: z.literal(true),
  version: z.string(),
  /** Time since the server started, in milliseconds. */
  uptimeMs: z.number().nonnegative(),
});

/** Result of `health`. */
export type HealthResult = z.infer<typeof healthResultSchema>;
