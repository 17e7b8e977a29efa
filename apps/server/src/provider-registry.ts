import { AnthropicProvider } from '@clawgate/provider-anthropic';
import { OpenAIProvider } from '@clawgate/provider-openai';
import { createHash } from 'node:crypto';

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
    credentialId: credentialId(profile),
  }));
}

/**
 * A short fingerprint of a profile's key and endpoint, so stored health recorded with another
 * key is forgotten. A truncated SHA-256 of a high-entropy key reveals nothing usable.
 */
function credentialId(profile: ProfileConfig): string {
  return createHash('sha256')
    .update(`${profile.provider}\n${profile.base_url ?? ''}\n${profile.api_key}`)
    .digest('hex')
    .slice(0, 16);
}
