import type { ProfileConfig } from './config-schema.js';

/** Default models for profiles built from environment keys. */
export const DEFAULT_MODELS = { openai: 'gpt-4.1-mini', anthropic: 'claude-sonnet-4-5' } as const;

/**
 * Profiles from `ANTHROPIC_API_KEY` and `OPENAI_API_KEY` (with `OPENAI_BASE_URL`,
 * `CLAWGATE_OPENAI_MODEL`, `CLAWGATE_ANTHROPIC_MODEL` honoured), Anthropic first.
 */
export function profilesFromEnv(env: NodeJS.ProcessEnv): ProfileConfig[] {
  const profiles: ProfileConfig[] = [];
  if (env.ANTHROPIC_API_KEY) {
    profiles.push({
      name: 'anthropic',
      provider: 'anthropic',
      api_key: env.ANTHROPIC_API_KEY,
      model: env.CLAWGATE_ANTHROPIC_MODEL ?? DEFAULT_MODELS.anthropic,
      priority: 0,
      weight: 1,
    });
  }
  if (env.OPENAI_API_KEY) {
    profiles.push({
      name: 'openai',
      provider: 'openai',
      api_key: env.OPENAI_API_KEY,
      model: env.CLAWGATE_OPENAI_MODEL ?? DEFAULT_MODELS.openai,
      priority: 0,
      weight: 1,
      ...(env.OPENAI_BASE_URL ? { base_url: env.OPENAI_BASE_URL } : {}),
    });
  }
  return profiles;
}
