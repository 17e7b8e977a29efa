import { AnthropicProvider } from '@clawgate/provider-anthropic';
import { OpenAIProvider } from '@clawgate/provider-openai';
import type { ChatProvider, PoolProfile } from '@clawgate/providers-core';
import type { ProfileConfig } from './config-schema.js';

/** Builds the adapter for one profile. */
export type ProviderFactory = (profile: ProfileConfig) => ChatProvider;

/**
 * Adapters keyed by provider kind. The app hands adapters to the pool, so providers-core never
 * imports one and adapters never import each other.
 */
export const PROVIDER_FACTORIES: Readonly<Record<ProfileConfig['provider'], ProviderFactory>> = {
  openai: (profile) =>
    new OpenAIProvider({
      apiKey: profile.api_key,
      ...(profile.base_url ? { baseURL: profile.base_url } : {}),
    }),
  'openai-compatible': (profile) =>
    new OpenAIProvider({
      apiKey: profile.api_key,
      kind: 'openai-compatible',
      ...(profile.base_url ? { baseURL: profile.base_url } : {}),
    }),
  anthropic: (profile) =>
    new AnthropicProvider({
      apiKey: profile.api_key,
      ...(profile.base_url ? { baseURL: profile.base_url } : {}),
    }),
};

/** Turns configured profiles into pool profiles with their adapters. */
export function buildPoolProfiles(profiles: readonly ProfileConfig[]): PoolProfile[] {
  return profiles.map((profile) => ({
    name: profile.name,
    provider: PROVIDER_FACTORIES[profile.provider](profile),
    model: profile.model,
    priority: profile.priority,
    weight: profile.weight,
    ...(profile.context_window === undefined ? {} : { contextWindow: profile.context_window }),
  }));
}
