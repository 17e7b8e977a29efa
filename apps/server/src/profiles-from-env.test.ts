import { describe, expect, it } from 'vitest';
import { profilesFromEnv } from './profiles-from-env.js';

describe('profilesFromEnv', () => {
  it('makes no profile without keys', () => {
    expect(profilesFromEnv({})).toEqual([]);
  });

  it('makes one profile per key, Anthropic first, honouring the base URL and models', () => {
    const profiles = profilesFromEnv({
      OPENAI_API_KEY: 'sk-o',
      ANTHROPIC_API_KEY: 'sk-a',
      OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
      CLAWGATE_OPENAI_MODEL: 'gpt-x',
    });
    expect(profiles).toEqual([
      {
        name: 'anthropic',
        provider: 'anthropic',
        api_key: 'sk-a',
        model: 'claude-sonnet-4-5',
        priority: 0,
        weight: 1,
      },
      {
        name: 'openai',
        provider: 'openai',
        api_key: 'sk-o',
        model: 'gpt-x',
        priority: 0,
        weight: 1,
        base_url: 'http://127.0.0.1:9/v1',
      },
    ]);
  });
});
