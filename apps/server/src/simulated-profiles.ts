import { UpstreamSimulator } from '@clawgate/upstream-sim';
import type { ProfileConfig } from './config-schema.js';
import { DEFAULT_MODELS } from './profiles-from-env.js';

/** Keys the built-in simulator profiles use; they never leave this machine. */
export const SIMULATED_KEYS = { openai: 'sim-openai-key', anthropic: 'sim-anthropic-key' } as const;

/**
 * Starts an in-process upstream simulator on a free loopback port and two profiles in front
 * of it, one in each wire format, so the server works with no provider keys at all.
 */
export async function startSimulatedProfiles(): Promise<{
  simulator: UpstreamSimulator;
  profiles: ProfileConfig[];
}> {
  const simulator = await UpstreamSimulator.start({ host: '127.0.0.1', port: 0 });
  const profiles: ProfileConfig[] = [
    {
      name: 'sim-openai',
      provider: 'openai',
      api_key: SIMULATED_KEYS.openai,
      base_url: simulator.openaiBaseUrl,
      model: DEFAULT_MODELS.openai,
      priority: 0,
      weight: 1,
    },
    {
      name: 'sim-anthropic',
      provider: 'anthropic',
      api_key: SIMULATED_KEYS.anthropic,
      base_url: simulator.anthropicBaseUrl,
      model: DEFAULT_MODELS.anthropic,
      priority: 0,
      weight: 1,
    },
  ];
  return { simulator, profiles };
}
