import { AnthropicProvider } from '@clawgate/provider-anthropic';
import { OpenAIProvider } from '@clawgate/provider-openai';
import {
  isProviderError,
  isProvidersUnavailableError,
  ProviderPool,
  type PoolStreamEvent,
} from '@clawgate/providers-core';
import { recordedText, UpstreamSimulator, type FixtureName } from '@clawgate/upstream-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * 200 concurrent streamed calls through the official SDKs against the simulator, while one of
 * three profiles starts failing halfway through: every call must end with the recorded answer
 * or a typed error, and once its breaker has opened the failing profile sees only probes.
 */
let simulator: UpstreamSimulator;

beforeAll(async () => {
  simulator = await UpstreamSimulator.start({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await simulator.close();
});

const CALLS = 200;
const HEALTHY_ANSWERS_OF_FAILING_PROFILE = 30;

describe('the pool under 200 concurrent streamed calls', () => {
  it('keeps every call whole while one profile fails, and probes it only once open', async () => {
    simulator.script(
      'alpha-key',
      { kind: 'ok', fixture: 'openai-chat-text', latencyMs: 20 },
      {
        sticky: true,
      },
    );
    simulator.script(
      'beta-key',
      { kind: 'ok', fixture: 'anthropic-text', latencyMs: 20 },
      {
        sticky: true,
      },
    );
    simulator.script(
      'gamma-key',
      [
        ...Array.from({ length: HEALTHY_ANSWERS_OF_FAILING_PROFILE }, () => ({
          kind: 'ok' as const,
          fixture: 'openai-chat-text' as const,
          latencyMs: 20,
        })),
        { kind: 'error', status: 500, body: { error: { message: 'boom', type: 'server_error' } } },
      ],
      { sticky: true },
    );

    const violations: string[] = [];
    let breakerOpened = false;
    let probesAdmitted = 0;
    let gammaAttemptsAfterOpen = 0;
    let pool: ProviderPool | undefined;
    pool = new ProviderPool({
      strategy: 'round_robin',
      profiles: [
        {
          name: 'alpha',
          provider: new OpenAIProvider({ apiKey: 'alpha-key', baseURL: simulator.openaiBaseUrl }),
          model: 'gpt-test',
        },
        {
          name: 'beta',
          provider: new AnthropicProvider({
            apiKey: 'beta-key',
            baseURL: simulator.anthropicBaseUrl,
          }),
          model: 'claude-test',
        },
        {
          name: 'gamma',
          provider: new OpenAIProvider({ apiKey: 'gamma-key', baseURL: simulator.openaiBaseUrl }),
          model: 'gpt-test',
        },
      ],
      breaker: { maxFailures: 3, resetTimeoutMs: 200 },
      retryBackoffMs: 10,
      onEvent: (event) => {
        if (event.type === 'breaker' && event.profile === 'gamma') {
          if (event.to === 'open') breakerOpened = true;
          if (event.to === 'half-open') probesAdmitted += 1;
        }
        if (event.type === 'attempt-start' && event.profile === 'gamma' && breakerOpened) {
          gammaAttemptsAfterOpen += 1;
          const state = pool?.snapshot().find((profile) => profile.name === 'gamma')?.breaker;
          if (state !== 'half-open') violations.push(`attempt on gamma while ${state}`);
        }
      },
    });

    const fixtureOf: Record<string, FixtureName> = {
      alpha: 'openai-chat-text',
      beta: 'anthropic-text',
      gamma: 'openai-chat-text',
    };
    const runCall = async (index: number): Promise<'answered' | 'typed-error'> => {
      // Staggered, so the failure starts while calls are still arriving.
      await new Promise((resolve) => setTimeout(resolve, index * 5));
      const events: PoolStreamEvent[] = [];
      try {
        const request = { messages: [{ role: 'user' as const, content: `call ${index}` }] };
        for await (const event of (pool as ProviderPool).stream(request)) events.push(event);
      } catch (error) {
        if (isProviderError(error) || isProvidersUnavailableError(error)) return 'typed-error';
        violations.push(`call ${index} ended with an untyped error: ${String(error)}`);
        return 'typed-error';
      }
      const serving = events.find((event) => event.type === 'serving');
      const text = events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');
      const profile = serving?.type === 'serving' ? serving.profile : 'none';
      if (text !== recordedText(fixtureOf[profile] ?? 'openai-chat-text')) {
        violations.push(`call ${index} served by ${profile} got a different text`);
      }
      if (events.at(-1)?.type !== 'finish') violations.push(`call ${index} has no finish`);
      return 'answered';
    };

    const outcomes = await Promise.all(Array.from({ length: CALLS }, (_, index) => runCall(index)));
    pool.close();

    expect(violations).toEqual([]);
    expect(outcomes).toHaveLength(CALLS);
    expect(outcomes.filter((outcome) => outcome === 'answered')).toHaveLength(CALLS);
    expect(breakerOpened).toBe(true);
    // Each half-open period admits exactly one probe; nothing else reached gamma once open.
    expect(gammaAttemptsAfterOpen).toBeLessThanOrEqual(probesAdmitted);
    expect(simulator.requestsFor('gamma-key').length).toBeGreaterThan(
      HEALTHY_ANSWERS_OF_FAILING_PROFILE,
    );
  });
});
