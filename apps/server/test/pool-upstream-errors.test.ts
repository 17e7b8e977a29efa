import {
  isProviderError,
  ProviderPool,
  type ChatProvider,
  type FailoverReason,
  type PoolStreamEvent,
} from '@clawgate/providers-core';
import {
  loadUpstreamErrorCases,
  recordedText,
  UpstreamSimulator,
  type FixtureName,
} from '@clawgate/upstream-sim';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { simulatedAdapter, type WireKind } from './support/simulated-adapter.js';

/**
 * Every recorded upstream error, driven end to end: the official SDK meets it over real HTTP,
 * the adapter classifies it, and the pool fails over (or does not) as the failover table says.
 */
let simulator: UpstreamSimulator;

beforeAll(async () => {
  simulator = await UpstreamSimulator.start({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await simulator.close();
});
beforeEach(() => {
  simulator.clearScripts();
  simulator.clearRequests();
});

type Kind = WireKind;

const adapter = (kind: Kind, apiKey: string): ChatProvider =>
  simulatedAdapter(simulator, kind, apiKey);

/** What the table expects of the primary profile after one failure of each reason. */
const EXPECTED: Partial<Record<FailoverReason, { failsOver: boolean; stateAfter: string }>> = {
  auth: { failsOver: true, stateAfter: 'disabled' },
  billing: { failsOver: true, stateAfter: 'disabled' },
  rate_limit: { failsOver: true, stateAfter: 'cooling_down' },
  overloaded: { failsOver: true, stateAfter: 'cooling_down' },
  context_overflow: { failsOver: true, stateAfter: 'ok' },
  model_not_found: { failsOver: true, stateAfter: 'disabled' },
  invalid_request: { failsOver: false, stateAfter: 'ok' },
};

const textOf = (events: readonly PoolStreamEvent[]): string =>
  events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');

describe.each(loadUpstreamErrorCases().map((errorCase) => [errorCase.name, errorCase] as const))(
  'the pool meeting %s',
  (name, errorCase) => {
    const expected = EXPECTED[errorCase.reason as FailoverReason];
    const primaryKind = errorCase.provider as Kind;
    // The fallback speaks the other wire format: failover crosses providers.
    const fallbackKind: Kind = primaryKind === 'openai' ? 'anthropic' : 'openai';
    const fallbackFixture: FixtureName =
      fallbackKind === 'openai' ? 'openai-chat-text' : 'anthropic-text';

    it(`${expected?.failsOver ? 'fails over' : 'stops'} and leaves the primary ${expected?.stateAfter}`, async () => {
      if (!expected) throw new Error(`no expectation for reason ${errorCase.reason}`);
      const primaryKey = `${name}-primary`;
      const fallbackKey = `${name}-fallback`;
      simulator.script(primaryKey, { kind: 'error', case: name });
      simulator.script(fallbackKey, { kind: 'ok', fixture: fallbackFixture });
      const pool = new ProviderPool({
        profiles: [
          {
            name: 'primary',
            provider: adapter(primaryKind, primaryKey),
            model: 'primary-model',
            priority: 1,
            contextWindow: 128_000,
          },
          {
            name: 'fallback',
            provider: adapter(fallbackKind, fallbackKey),
            model: 'fallback-model',
            priority: 2,
            contextWindow: 200_000,
          },
        ],
      });
      const events: PoolStreamEvent[] = [];
      let failure: unknown;
      const startedAtMs = Date.now();

      try {
        const request = { messages: [{ role: 'user' as const, content: 'hello' }] };
        for await (const event of pool.stream(request)) events.push(event);
      } catch (error) {
        failure = error;
      }
      pool.close();

      const primary = pool.snapshot().find((profile) => profile.name === 'primary');
      expect(primary?.state).toBe(expected.stateAfter);
      expect(simulator.requestsFor(primaryKey)).toHaveLength(1);
      if (expected.failsOver) {
        expect(failure).toBeUndefined();
        expect(events.find((event) => event.type === 'failover')).toMatchObject({
          from: 'primary',
          to: 'fallback',
          reason: errorCase.reason,
        });
        expect(textOf(events)).toBe(recordedText(fallbackFixture));
        expect(events.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
      } else {
        expect(isProviderError(failure) && failure.reason).toBe(errorCase.reason);
        expect(simulator.requestsFor(fallbackKey)).toHaveLength(0);
        expect(events).toEqual([]);
      }
      if (errorCase.retryAfterMs !== undefined) {
        const untilMs = primary?.cooldownUntilMs ?? 0;
        expect(untilMs).toBeGreaterThanOrEqual(startedAtMs + errorCase.retryAfterMs);
        expect(untilMs).toBeLessThanOrEqual(Date.now() + errorCase.retryAfterMs);
      }
    });
  },
);
