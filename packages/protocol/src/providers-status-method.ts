import { z } from 'zod';

/** Params of `providers.status`: none. */
export const providersStatusParamsSchema = z.strictObject({});

/** One provider profile as `providers.status` reports it; extra members pass through. */
export const profileStatusSchema = z.looseObject({
  name: z.string(),
  provider: z.string(),
  model: z.string(),
  /** Health of the profile, e.g. `'available'`, `'cooldown'`, `'disabled'`. */
  state: z.string(),
});

/** One provider profile as `providers.status` reports it. */
export type ProfileStatus = z.infer<typeof profileStatusSchema>;

/** Result of `providers.status`. */
export const providersStatusResultSchema = z.object({
  profiles: z.array(profileStatusSchema),
});

/** Result of `providers.status`. */
export type ProvidersStatusResult = z.infer<typeof providersStatusResultSchema>;
