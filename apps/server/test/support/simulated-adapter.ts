import { AnthropicProvider } from '@clawgate/provider-anthropic';
import { OpenAIProvider } from '@clawgate/provider-openai';
import type { ChatProvider } from '@clawgate/providers-core';
import type { UpstreamSimulator } from '@clawgate/upstream-sim';

/** The wire formats the simulator speaks, one adapter each. */
export type WireKind = 'openai' | 'anthropic';

/** The real adapter of `kind`, pointed at the simulator, with `apiKey` choosing its script. */
export function simulatedAdapter(
  simulator: UpstreamSimulator,
  kind: WireKind,
  apiKey: string,
  requestTimeoutMs?: number,
): ChatProvider {
  const timeout = requestTimeoutMs === undefined ? {} : { requestTimeoutMs };
  return kind === 'openai'
    ? new OpenAIProvider({ apiKey, baseURL: simulator.openaiBaseUrl, ...timeout })
    : new AnthropicProvider({ apiKey, baseURL: simulator.anthropicBaseUrl, ...timeout });
}

/**
 * A `providers.profiles[]` entry of the configuration file: one OpenAI-format profile named
 * `primary` in front of the simulator, scripted through `apiKey`.
 */
export function simulatedProfileConfig(
  simulator: UpstreamSimulator,
  apiKey: string,
): Record<string, unknown> {
  return {
    name: 'primary',
    provider: 'openai',
    api_key: apiKey,
    base_url: simulator.openaiBaseUrl,
    model: 'gpt-4.1-mini',
  };
}
