import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { FailoverReason } from './failover-reason.js';
import type { ChatProvider } from './chat.js';
import type { PoolProfile } from './pool-types.js';
import { isProviderError } from './provider-error.js';
import { ProviderPool, type ProviderPoolOptions } from './provider-pool.js';
import { isProvidersUnavailableError } from './providers-unavailable-error.js';
import {
  ScriptedProvider,
  answers,
  call,
  createPool,
  failover,
  fails,
  profile,
  request,
  served,
  servedBy,
  snapshotOf,
  usage,
} from './test-support/scripted-provider.js';

const startMs = Date.parse('2025-01-01T00:00:00Z');

describe('ProviderPool', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(startMs);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('streams the answer of the first profile, announcing it before the content', async () => {
    const alpha = new ScriptedProvider([answers('hi')]);
    const { pool } = createPool({ profiles: [profile('A', alpha)] });

    const result = await call(pool);

    expect(result).toEqual({ events: served('A', 'hi'), error: undefined });
    expect(alpha.requests).toEqual([{ ...request, model: 'model-A' }]);
  });

  describe('rate limits', () => {
    it('fail over to the next profile in the same call, announced before its content', async () => {
      const alpha = new ScriptedProvider([fails('rate_limit', 2_000)]);
      const beta = new ScriptedProvider([answers('from beta')]);
      const { pool, poolEvents } = createPool({
        profiles: [profile('A', alpha, { priority: 1 }), profile('B', beta, { priority: 2 })],
      });

      const result = await call(pool);

      expect(result.error).toBeUndefined();
      expect(result.events).toEqual([
        failover('A', 'B', 'rate_limit'),
        ...served('B', 'from beta'),
      ]);
      expect(poolEvents).toEqual([
        { type: 'attempt-start', profile: 'A', attempt: 1 },
        {
          type: 'cooldown-set',
          profile: 'A',
          model: 'model-A',
          untilMs: startMs + 2_000,
          reason: 'rate_limit',
        },
        { type: 'attempt-end', profile: 'A', attempt: 1, durationMs: 0, outcome: 'rate_limit' },
        { type: 'failover', from: 'A', to: 'B', reason: 'rate_limit' },
        { type: 'attempt-start', profile: 'B', attempt: 2 },
        { type: 'attempt-end', profile: 'B', attempt: 2, durationMs: 0, outcome: 'success' },
      ]);
    });

    it('keep later calls away from the profile until its retry-after has passed', async () => {
      const alpha = new ScriptedProvider([fails('rate_limit', 2_000), answers('from alpha')]);
      const beta = new ScriptedProvider([answers('from beta')]);
      const { pool } = createPool({
        profiles: [profile('A', alpha, { priority: 1 }), profile('B', beta, { priority: 2 })],
      });
      await call(pool);

      const rightAfter = await call(pool);
      vi.advanceTimersByTime(1_999);
      const justBefore = await call(pool);
      vi.advanceTimersByTime(1);
      const onTime = await call(pool);

      expect(rightAfter.events).toEqual(served('B', 'from beta'));
      expect(justBefore.events).toEqual(served('B', 'from beta'));
      expect(onTime.events).toEqual(served('A', 'from alpha'));
      expect(alpha.calls).toBe(2);
    });

    it('do not count towards the breaker', async () => {
      const alpha = new ScriptedProvider([fails('rate_limit', 1)]);
      const beta = new ScriptedProvider([answers('from beta')]);
      const { pool } = createPool({
        profiles: [profile('A', alpha, { priority: 1 }), profile('B', beta, { priority: 2 })],
        breaker: { maxFailures: 1 },
      });

      await call(pool);

      expect(snapshotOf(pool, 'A').breaker).toBe('closed');
    });
  });

  it('disables a profile on an auth failure and fails over', async () => {
    const alpha = new ScriptedProvider([fails('auth'), answers('from alpha')]);
    const beta = new ScriptedProvider([answers('from beta')]);
    const { pool } = createPool({
      profiles: [profile('A', alpha, { priority: 1 }), profile('B', beta, { priority: 2 })],
      cooldowns: { disableInitialMs: 300_000 },
    });

    const first = await call(pool);
    vi.advanceTimersByTime(299_999);
    const stillDisabled = await call(pool);
    vi.advanceTimersByTime(1);
    const enabledAgain = await call(pool);

    expect(first.events).toEqual([failover('A', 'B', 'auth'), ...served('B', 'from beta')]);
    expect(stillDisabled.events).toEqual(served('B', 'from beta'));
    expect(enabledAgain.events).toEqual(served('A', 'from alpha'));
  });

  it('throws an invalid request at once, without failing over or marking the profile', async () => {
    const alpha = new ScriptedProvider([fails('invalid_request')]);
    const beta = new ScriptedProvider([answers('from beta')]);
    const { pool } = createPool({
      profiles: [profile('A', alpha, { priority: 1 }), profile('B', beta, { priority: 2 })],
      breaker: { maxFailures: 1 },
    });

    const result = await call(pool);

    expect(result.events).toEqual([]);
    expect(isProviderError(result.error)).toBe(true);
    expect(result.error).toMatchObject({
      reason: 'invalid_request',
      profile: 'A',
      partial: false,
      message: 'upstream says invalid_request',
    });
    expect(beta.calls).toBe(0);
    expect(snapshotOf(pool, 'A')).toMatchObject({ state: 'ok', breaker: 'closed' });
  });

  describe("the caller's abort", () => {
    it('stops the call and records nothing against the profile', async () => {
      const alpha = new ScriptedProvider([
        [{ type: 'metadata' }, { type: 'stall' }],
        answers('from alpha'),
      ]);
      const beta = new ScriptedProvider([answers('from beta')]);
      const { pool } = createPool({
        profiles: [profile('A', alpha, { priority: 1 }), profile('B', beta, { priority: 2 })],
        breaker: { maxFailures: 1 },
      });
      const controller = new AbortController();

      const pending = call(pool, { signal: controller.signal });
      await vi.advanceTimersByTimeAsync(10);
      controller.abort(new Error('user pressed stop'));
      const result = await pending;

      expect(result.events).toEqual([]);
      expect(result.error).toMatchObject({
        reason: 'aborted',
        partial: false,
        message: 'user pressed stop',
      });
      expect(alpha.signals[0]?.aborted).toBe(true);
      expect(beta.calls).toBe(0);
      expect(snapshotOf(pool, 'A')).toEqual({
        name: 'A',
        provider: 'scripted',
        model: 'model-A',
        priority: 1,
        state: 'ok',
        breaker: 'closed',
        inFlight: 0,
        totals: { attempts: 1, successes: 0, failures: 0 },
      });
      expect((await call(pool)).events).toEqual(served('A', 'from alpha'));
    });

    it('leaves a half-open breaker half-open, with its probe slot free', async () => {
      const alpha = new ScriptedProvider([
        fails('timeout'),
        [{ type: 'metadata' }, { type: 'stall' }],
        answers('from alpha'),
      ]);
      const beta = new ScriptedProvider([answers('from beta')]);
      const { pool } = createPool({
        profiles: [profile('A', alpha, { priority: 1 }), profile('B', beta, { priority: 2 })],
        breaker: { maxFailures: 1, resetTimeoutMs: 1_000, probeTimeoutMs: 60_000 },
      });
      await call(pool);
      vi.advanceTimersByTime(1_000);
      const controller = new AbortController();

      const pending = call(pool, { signal: controller.signal });
      await vi.advanceTimersByTimeAsync(10);
      controller.abort();
      const aborted = await pending;
      const afterwards = await call(pool);

      expect(aborted.error).toMatchObject({ reason: 'aborted' });
      expect(afterwards.events).toEqual(served('A', 'from alpha'));
    });

    it('marks the error partial when content had already been sent', async () => {
      const alpha = new ScriptedProvider([
        [{ type: 'text-delta', text: 'Hel' }, { type: 'stall' }],
      ]);
      const { pool } = createPool({ profiles: [profile('A', alpha)] });
      const controller = new AbortController();

      const pending = call(pool, { signal: controller.signal });
      await vi.advanceTimersByTimeAsync(10);
      controller.abort();
      const result = await pending;

      expect(result.events).toEqual([
        { type: 'serving', profile: 'A', model: 'model-A' },
        { type: 'text-delta', text: 'Hel' },
      ]);
      expect(result.error).toMatchObject({ reason: 'aborted', partial: true });
    });

    it('ends a wait for recovery', async () => {
      const alpha = new ScriptedProvider([fails('rate_limit', 5_000), answers('from alpha')]);
      const { pool } = createPool({ profiles: [profile('A', alpha)] });
      const controller = new AbortController();

      const pending = call(pool, { signal: controller.signal });
      await vi.advanceTimersByTimeAsync(1_000);
      controller.abort();
      const result = await pending;

      expect(result.error).toMatchObject({ reason: 'aborted' });
      expect(alpha.calls).toBe(1);
    });

    it('is honoured when the signal is already aborted', async () => {
      const alpha = new ScriptedProvider([answers('from alpha')]);
      const { pool } = createPool({ profiles: [profile('A', alpha)] });

      const result = await call(pool, { signal: AbortSignal.abort() });

      expect(result.error).toMatchObject({ reason: 'aborted' });
      expect(alpha.calls).toBe(0);
    });
  });

  it('ends the call as aborted when its deadline passes, without blaming the profile', async () => {
    const alpha = new ScriptedProvider([[{ type: 'metadata' }, { type: 'stall' }]]);
    const { pool } = createPool({ profiles: [profile('A', alpha)], deadlineMs: 5_000 });

    const pending = call(pool);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(alpha.signals[0]?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const result = await pending;

    expect(result.error).toMatchObject({
      reason: 'aborted',
      message: 'call deadline of 5000 ms exceeded',
    });
    expect(snapshotOf(pool, 'A')).toMatchObject({ state: 'ok', totals: { failures: 0 } });
  });

  it.each<FailoverReason>(['server_error', 'network'])(
    'retries the same profile once after %s, with backoff, then moves on',
    async (reason) => {
      const alpha = new ScriptedProvider([fails(reason)]);
      const beta = new ScriptedProvider([answers('from beta')]);
      const { pool } = createPool({
        profiles: [profile('A', alpha, { priority: 1 }), profile('B', beta, { priority: 2 })],
        retryBackoffMs: 250,
      });

      const pending = call(pool);
      await vi.advanceTimersByTimeAsync(249);
      expect(alpha.calls).toBe(1);
      await vi.advanceTimersByTimeAsync(1);
      const result = await pending;

      expect(alpha.calls).toBe(2);
      expect(result.events).toEqual([failover('A', 'B', reason), ...served('B', 'from beta')]);
    },
  );

  it('succeeds on the retry of the same profile without announcing a failover', async () => {
    const alpha = new ScriptedProvider([fails('server_error'), answers('from alpha')]);
    const beta = new ScriptedProvider([answers('from beta')]);
    const { pool } = createPool({
      profiles: [profile('A', alpha, { priority: 1 }), profile('B', beta, { priority: 2 })],
      retryBackoffMs: 250,
    });

    const pending = call(pool);
    await vi.advanceTimersByTimeAsync(250);
    const result = await pending;

    expect(result.events).toEqual(served('A', 'from alpha'));
    expect(beta.calls).toBe(0);
  });

  it('moves a context overflow only to a profile with a larger window', async () => {
    const alpha = new ScriptedProvider([fails('context_overflow')]);
    const smaller = new ScriptedProvider([answers('from smaller')]);
    const larger = new ScriptedProvider([answers('from larger')]);
    const { pool } = createPool({
      profiles: [
        profile('A', alpha, { priority: 1, contextWindow: 8_000 }),
        profile('S', smaller, { priority: 2, contextWindow: 4_000 }),
        profile('L', larger, { priority: 3, contextWindow: 16_000 }),
      ],
    });

    const result = await call(pool);

    expect(result.events).toEqual([
      failover('A', 'L', 'context_overflow'),
      ...served('L', 'from larger'),
    ]);
    expect(smaller.calls).toBe(0);
    expect(snapshotOf(pool, 'A').state).toBe('ok');
  });

  it('prepares the request for each profile it tries, with the window of that profile', async () => {
    const alpha = new ScriptedProvider([fails('context_overflow')]);
    const larger = new ScriptedProvider([answers('from larger')]);
    const { pool } = createPool({
      profiles: [
        profile('A', alpha, { priority: 1, contextWindow: 8_000 }),
        profile('L', larger, { priority: 2, contextWindow: 16_000 }),
      ],
    });
    const seen: unknown[] = [];

    const result = await call(pool, {
      prepareRequest: (prepared, target) => {
        seen.push(target);
        return { ...prepared, messages: [{ role: 'user', content: `for ${target.name}` }] };
      },
    });

    expect(result.error).toBeUndefined();
    expect(seen).toEqual([
      { name: 'A', model: 'model-A', contextWindow: 8_000 },
      { name: 'L', model: 'model-L', contextWindow: 16_000 },
    ]);
    expect(alpha.requests).toEqual([
      { ...request, model: 'model-A', messages: [{ role: 'user', content: 'for A' }] },
    ]);
    expect(larger.requests).toEqual([
      { ...request, model: 'model-L', messages: [{ role: 'user', content: 'for L' }] },
    ]);
  });

  it('ends the call with the error of a throwing prepareRequest and blames no profile', async () => {
    const alpha = new ScriptedProvider([answers('unused')]);
    const { pool } = createPool({ profiles: [profile('A', alpha)] });
    const failure = new Error('cannot prepare');

    const first = await call(pool, {
      prepareRequest: () => {
        throw failure;
      },
    });
    const second = await call(pool);

    expect(first.error).toBe(failure);
    expect(alpha.calls).toBe(1);
    expect(second.events).toEqual(served('A', 'unused'));
    expect(snapshotOf(pool, 'A')).toMatchObject({ state: 'ok', inFlight: 0, breaker: 'closed' });
  });

  it('lets only profiles serving the requested model take the call', async () => {
    const alpha = new ScriptedProvider([answers('from alpha')]);
    const beta = new ScriptedProvider([answers('from beta')]);
    const { pool } = createPool({
      profiles: [
        profile('A', alpha, { priority: 1 }),
        { ...profile('B', beta, { priority: 2 }), model: 'other-model' },
      ],
    });

    const result = await call(pool, { model: 'other-model' });

    expect(result.events).toEqual(
      served('B', 'from beta').map((event) =>
        event.type === 'serving' ? { ...event, model: 'other-model' } : event,
      ),
    );
    expect(alpha.calls).toBe(0);
  });

  it('rethrows the context overflow when no profile has a larger window', async () => {
    const alpha = new ScriptedProvider([fails('context_overflow')]);
    const smaller = new ScriptedProvider([answers('from smaller')]);
    const { pool } = createPool({
      profiles: [
        profile('A', alpha, { priority: 1, contextWindow: 8_000 }),
        profile('S', smaller, { priority: 2, contextWindow: 4_000 }),
      ],
    });

    const result = await call(pool);

    expect(result.error).toMatchObject({ reason: 'context_overflow', profile: 'A' });
    expect(smaller.calls).toBe(0);
  });

  it('holds metadata back until content and drops it when the attempt fails', async () => {
    const alpha = new ScriptedProvider([
      [{ type: 'metadata', responseId: 'from-alpha' }, ...fails('overloaded')],
    ]);
    const beta = new ScriptedProvider([answers('from beta')]);
    const { pool } = createPool({
      profiles: [profile('A', alpha, { priority: 1 }), profile('B', beta, { priority: 2 })],
    });

    const result = await call(pool);

    expect(result.events).toEqual([failover('A', 'B', 'overloaded'), ...served('B', 'from beta')]);
    expect(JSON.stringify(result.events)).not.toContain('from-alpha');
  });

  it('throws a partial error without failover when the upstream fails after content', async () => {
    const alpha = new ScriptedProvider([
      [
        { type: 'metadata', responseId: 'from-alpha' },
        { type: 'text-delta', text: 'Hel' },
        ...fails('overloaded'),
      ],
    ]);
    const beta = new ScriptedProvider([answers('from beta')]);
    const { pool } = createPool({
      profiles: [profile('A', alpha, { priority: 1 }), profile('B', beta, { priority: 2 })],
    });

    const result = await call(pool);

    expect(result.events).toEqual([
      { type: 'serving', profile: 'A', model: 'model-A' },
      { type: 'metadata', responseId: 'from-alpha' },
      { type: 'text-delta', text: 'Hel' },
    ]);
    expect(isProviderError(result.error)).toBe(true);
    expect(result.error).toMatchObject({ reason: 'overloaded', partial: true, profile: 'A' });
    expect(beta.calls).toBe(0);
  });

  it('treats a stream idle past idleTimeoutMs as a timeout and fails over', async () => {
    const alpha = new ScriptedProvider([[{ type: 'metadata' }, { type: 'stall' }]]);
    const beta = new ScriptedProvider([answers('from beta')]);
    const { pool } = createPool({
      profiles: [profile('A', alpha, { priority: 1 }), profile('B', beta, { priority: 2 })],
      idleTimeoutMs: 1_000,
      breaker: { maxFailures: 1 },
    });

    const pending = call(pool);
    await vi.advanceTimersByTimeAsync(999);
    expect(beta.calls).toBe(0);
    expect(alpha.signals[0]?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const result = await pending;

    expect(alpha.signals[0]?.aborted).toBe(true);
    expect(result.events).toEqual([
      {
        type: 'failover',
        from: 'A',
        to: 'B',
        reason: 'timeout',
        message: 'stream idle for more than 1000 ms',
      },
      ...served('B', 'from beta'),
    ]);
    expect(snapshotOf(pool, 'A')).toMatchObject({ state: 'circuit_open', breaker: 'open' });
  });

  describe('when every profile is cooling down', () => {
    it('waits for the soonest recovery inside maxWaitMs and succeeds', async () => {
      const alpha = new ScriptedProvider([fails('rate_limit', 2_000), answers('from alpha')]);
      const beta = new ScriptedProvider([fails('rate_limit', 5_000)]);
      const { pool } = createPool({
        profiles: [profile('A', alpha, { priority: 1 }), profile('B', beta, { priority: 2 })],
        maxWaitMs: 30_000,
      });

      const pending = call(pool);
      await vi.advanceTimersByTimeAsync(1_999);
      expect(alpha.calls).toBe(1);
      await vi.advanceTimersByTimeAsync(1);
      const result = await pending;

      expect(result.events).toEqual([
        failover('A', 'B', 'rate_limit'),
        failover('B', 'A', 'rate_limit'),
        ...served('A', 'from alpha'),
      ]);
      expect(beta.calls).toBe(1);
    });

    it('waits for cooldowns left by an earlier call without extending them', async () => {
      const alpha = new ScriptedProvider([fails('rate_limit', 60_000), answers('from alpha')]);
      const beta = new ScriptedProvider([fails('rate_limit', 90_000)]);
      const { pool } = createPool({
        profiles: [profile('A', alpha, { priority: 1 }), profile('B', beta, { priority: 2 })],
        maxWaitMs: 30_000,
      });
      await call(pool);
      vi.advanceTimersByTime(30_000);

      const pending = call(pool);
      await vi.advanceTimersByTimeAsync(29_999);
      expect(alpha.calls).toBe(1);
      await vi.advanceTimersByTimeAsync(1);
      const result = await pending;

      expect(result.events).toEqual(served('A', 'from alpha'));
      expect(Date.now()).toBe(startMs + 60_000);
    });

    it('waits when the recovery is exactly maxWaitMs away', async () => {
      const alpha = new ScriptedProvider([fails('rate_limit', 2_000), answers('from alpha')]);
      const { pool } = createPool({ profiles: [profile('A', alpha)], maxWaitMs: 2_000 });

      const pending = call(pool);
      await vi.advanceTimersByTimeAsync(2_000);
      const result = await pending;

      expect(result.events).toEqual(served('A', 'from alpha'));
    });

    it('fails at once when the recovery is 1 ms beyond maxWaitMs', async () => {
      const alpha = new ScriptedProvider([fails('rate_limit', 2_000), answers('from alpha')]);
      const { pool } = createPool({ profiles: [profile('A', alpha)], maxWaitMs: 1_999 });

      const result = await call(pool);

      expect(isProvidersUnavailableError(result.error)).toBe(true);
      expect(result.error).toMatchObject({ retryAfterMs: 2_000 });
      expect(Date.now()).toBe(startMs);
    });

    it('fails with the soonest recovery and the attempts when it is beyond maxWaitMs', async () => {
      const alpha = new ScriptedProvider([fails('rate_limit', 60_000)]);
      const beta = new ScriptedProvider([fails('rate_limit', 90_000)]);
      const { pool } = createPool({
        profiles: [profile('A', alpha, { priority: 1 }), profile('B', beta, { priority: 2 })],
        maxWaitMs: 30_000,
      });

      const result = await call(pool);

      expect(result.events).toEqual([failover('A', 'B', 'rate_limit')]);
      expect(isProvidersUnavailableError(result.error)).toBe(true);
      expect(result.error).toMatchObject({
        code: 'PROVIDERS_UNAVAILABLE',
        message: 'No provider profile is available (attempts: A: rate_limit, B: rate_limit)',
        retryAfterMs: 60_000,
        attempts: [
          {
            profile: 'A',
            reason: 'rate_limit',
            message: 'upstream says rate_limit',
            durationMs: 0,
          },
          {
            profile: 'B',
            reason: 'rate_limit',
            message: 'upstream says rate_limit',
            durationMs: 0,
          },
        ],
      });
    });

    it('waits for a recovery 1 ms before the deadline, not for one at the deadline', async () => {
      const script = [fails('rate_limit', 2_000), answers('from alpha')];
      const early = createPool({ profiles: [profile('A', new ScriptedProvider(script))] }).pool;
      const late = createPool({ profiles: [profile('A', new ScriptedProvider(script))] }).pool;

      const atDeadline = await call(late, { deadlineMs: 2_000 });
      const pending = call(early, { deadlineMs: 2_001 });
      await vi.advanceTimersByTimeAsync(2_000);
      const beforeDeadline = await pending;

      expect(atDeadline.error).toMatchObject({
        code: 'PROVIDERS_UNAVAILABLE',
        retryAfterMs: 2_000,
      });
      expect(beforeDeadline.events).toEqual(served('A', 'from alpha'));
    });

    it('fails at once when the recovery falls after the deadline', async () => {
      const alpha = new ScriptedProvider([fails('rate_limit', 20_000)]);
      const { pool } = createPool({ profiles: [profile('A', alpha)], maxWaitMs: 30_000 });

      const result = await call(pool, { deadlineMs: 10_000 });

      expect(result.error).toMatchObject({ code: 'PROVIDERS_UNAVAILABLE', retryAfterMs: 20_000 });
      expect(Date.now()).toBe(startMs);
    });
  });

  it('stops after maxAttempts attempts', async () => {
    const providers = [1, 2, 3, 4].map(() => new ScriptedProvider([fails('timeout')]));
    const { pool } = createPool({
      profiles: providers.map((provider, index) =>
        profile(`P${index}`, provider, { priority: index }),
      ),
      maxAttempts: 3,
    });

    const result = await call(pool);

    expect(providers.map((provider) => provider.calls)).toEqual([1, 1, 1, 0]);
    expect(result.error).toMatchObject({
      code: 'PROVIDERS_UNAVAILABLE',
      message: 'No provider profile is available (attempts: P0: timeout, P1: timeout, P2: timeout)',
    });
  });

  it('opens the breaker after N counted failures, skips the profile, then probes it', async () => {
    const alpha = new ScriptedProvider([fails('timeout'), fails('timeout'), answers('from alpha')]);
    const beta = new ScriptedProvider([answers('from beta')]);
    const { pool, poolEvents } = createPool({
      profiles: [profile('A', alpha, { priority: 1 }), profile('B', beta, { priority: 2 })],
      breaker: { maxFailures: 2, resetTimeoutMs: 10_000 },
    });

    await call(pool);
    expect(snapshotOf(pool, 'A').breaker).toBe('closed');
    await call(pool);
    const whileOpen = await call(pool);
    vi.advanceTimersByTime(9_999);
    const justBeforeReset = await call(pool);
    vi.advanceTimersByTime(1);
    const probe = await call(pool);

    expect(whileOpen.events).toEqual(served('B', 'from beta'));
    expect(justBeforeReset.events).toEqual(served('B', 'from beta'));
    expect(probe.events).toEqual(served('A', 'from alpha'));
    expect(alpha.calls).toBe(3);
    expect(poolEvents.filter((event) => event.type === 'breaker')).toEqual([
      { type: 'breaker', profile: 'A', from: 'closed', to: 'open' },
      { type: 'breaker', profile: 'A', from: 'open', to: 'half-open' },
      { type: 'breaker', profile: 'A', from: 'half-open', to: 'closed' },
    ]);
  });

  describe('selection', () => {
    it('uses a lower priority tier only when the whole higher tier is unavailable', async () => {
      const alpha = new ScriptedProvider([
        answers('from alpha'),
        answers('from alpha'),
        fails('auth'),
      ]);
      const beta = new ScriptedProvider([
        answers('from beta'),
        answers('from beta'),
        fails('auth'),
      ]);
      const gamma = new ScriptedProvider([answers('from gamma')]);
      const { pool } = createPool({
        profiles: [
          profile('A', alpha, { priority: 1 }),
          profile('B', beta, { priority: 1 }),
          profile('C', gamma, { priority: 2 }),
        ],
      });

      const firstFour = [await call(pool), await call(pool), await call(pool), await call(pool)];
      const tierDown = await call(pool);

      expect(firstFour.map(servedBy)).toEqual(['A', 'B', 'A', 'B']);
      expect(gamma.calls).toBe(1);
      expect(tierDown.events).toEqual([
        failover('A', 'B', 'auth'),
        failover('B', 'C', 'auth'),
        ...served('C', 'from gamma'),
      ]);
    });

    it('rotates inside a tier under round_robin', async () => {
      const names = ['A', 'B', 'C'];
      const { pool } = createPool({
        strategy: 'round_robin',
        profiles: names.map((name) => profile(name, new ScriptedProvider([answers(name)]))),
      });

      const results = [await call(pool), await call(pool), await call(pool), await call(pool)];

      expect(results.map(servedBy)).toEqual(['A', 'B', 'C', 'A']);
    });

    it('keeps rotating past a profile that is cooling down', async () => {
      const alpha = new ScriptedProvider([answers('from alpha')]);
      const beta = new ScriptedProvider([fails('overloaded'), answers('from beta')]);
      const gamma = new ScriptedProvider([answers('from gamma')]);
      const { pool } = createPool({
        strategy: 'round_robin',
        profiles: [profile('A', alpha), profile('B', beta), profile('C', gamma)],
        cooldowns: { overloadedMs: 5_000 },
      });

      const results = [await call(pool), await call(pool), await call(pool)];

      expect(results.map(servedBy)).toEqual(['A', 'C', 'A']);
      expect(beta.calls).toBe(1);
    });
  });

  describe('sticky mode', () => {
    function stickyPool(sticky: ProviderPoolOptions['sticky'], alpha: ChatProvider) {
      const beta = new ScriptedProvider([answers('from beta')]);
      const gamma = new ScriptedProvider([answers('from gamma')]);
      return createPool({
        strategy: 'round_robin',
        sticky,
        profiles: [profile('A', alpha), profile('B', beta), profile('C', gamma)],
        cooldowns: { overloadedMs: 5_000 },
      });
    }

    it('keeps a conversation on the profile that served its last turn', async () => {
      const { pool } = stickyPool(true, new ScriptedProvider([answers('from alpha')]));

      const work = [];
      for (let turn = 0; turn < 3; turn += 1) {
        await call(pool, { conversationKey: 'other' });
        work.push(await call(pool, { conversationKey: 'work' }));
      }

      expect(work.map(servedBy)).toEqual(['B', 'B', 'B']);
    });

    it('moves the conversation once its profile is unhealthy, and stays on the new one', async () => {
      const alpha = new ScriptedProvider([answers('from alpha'), fails('overloaded')]);
      const { pool } = stickyPool(true, alpha);

      const first = await call(pool, { conversationKey: 'work' });
      const second = await call(pool, { conversationKey: 'work' });
      vi.advanceTimersByTime(5_000);
      const third = await call(pool, { conversationKey: 'work' });

      expect([first, second, third].map(servedBy)).toEqual(['A', 'B', 'B']);
      expect(second.events[0]).toEqual(failover('A', 'B', 'overloaded'));
    });

    it('leaves a lower tier for the conversation when the better tier recovers', async () => {
      const alpha = new ScriptedProvider([fails('overloaded'), answers('from alpha')]);
      const beta = new ScriptedProvider([answers('from beta')]);
      const { pool } = createPool({
        sticky: true,
        profiles: [profile('A', alpha, { priority: 1 }), profile('B', beta, { priority: 2 })],
        cooldowns: { overloadedMs: 5_000 },
      });

      const during = await call(pool, { conversationKey: 'work' });
      vi.advanceTimersByTime(5_000);
      const after = await call(pool, { conversationKey: 'work' });

      expect([during, after].map(servedBy)).toEqual(['B', 'A']);
    });

    it('rotates as usual when sticky mode is off', async () => {
      const { pool } = stickyPool(false, new ScriptedProvider([answers('from alpha')]));

      const results = [];
      for (let turn = 0; turn < 3; turn += 1) {
        results.push(await call(pool, { conversationKey: 'work' }));
      }

      expect(results.map(servedBy)).toEqual(['A', 'B', 'C']);
    });

    it('forgets the least recently used conversation past maxConversations', async () => {
      const { pool } = stickyPool(
        { maxConversations: 1 },
        new ScriptedProvider([answers('from alpha')]),
      );

      const firstTurn = await call(pool, { conversationKey: 'work' });
      await call(pool, { conversationKey: 'other' });
      const secondTurn = await call(pool, { conversationKey: 'work' });

      expect([firstTurn, secondTurn].map(servedBy)).toEqual(['A', 'C']);
    });
  });

  it('draws the random strategy from the injected source, by weight', async () => {
    const draws = [0.1, 0.5, 0.99];
    const { pool } = createPool({
      strategy: 'random',
      random: () => draws.shift() ?? 0,
      profiles: [
        profile('A', new ScriptedProvider([answers('a')]), { weight: 1 }),
        profile('B', new ScriptedProvider([answers('b')]), { weight: 3 }),
      ],
    });

    const results = [await call(pool), await call(pool), await call(pool)];

    // Total weight 4: [0, 1) is A, [1, 4) is B.
    expect(results.map(servedBy)).toEqual(['A', 'B', 'B']);
  });

  it('reports each profile in snapshot()', async () => {
    const { pool } = createPool({
      profiles: [
        profile('A', new ScriptedProvider([fails('rate_limit', 30_000)]), { priority: 1 }),
        profile('B', new ScriptedProvider([fails('auth')]), { priority: 2 }),
        profile('C', new ScriptedProvider([fails('timeout')]), { priority: 3 }),
        profile('D', new ScriptedProvider([answers('from delta')]), { priority: 4 }),
      ],
      breaker: { maxFailures: 1 },
      cooldowns: { disableInitialMs: 300_000 },
    });

    await call(pool);

    expect(pool.snapshot()).toEqual([
      {
        name: 'A',
        provider: 'scripted',
        model: 'model-A',
        priority: 1,
        state: 'cooling_down',
        cooldownUntilMs: startMs + 30_000,
        unavailableReason: 'rate_limit',
        breaker: 'closed',
        inFlight: 0,
        totals: { attempts: 1, successes: 0, failures: 1 },
      },
      {
        name: 'B',
        provider: 'scripted',
        model: 'model-B',
        priority: 2,
        state: 'disabled',
        disabledUntilMs: startMs + 300_000,
        unavailableReason: 'auth',
        breaker: 'closed',
        inFlight: 0,
        totals: { attempts: 1, successes: 0, failures: 1 },
      },
      {
        name: 'C',
        provider: 'scripted',
        model: 'model-C',
        priority: 3,
        state: 'circuit_open',
        breaker: 'open',
        inFlight: 0,
        totals: { attempts: 1, successes: 0, failures: 1 },
      },
      {
        name: 'D',
        provider: 'scripted',
        model: 'model-D',
        priority: 4,
        state: 'ok',
        breaker: 'closed',
        inFlight: 0,
        totals: { attempts: 1, successes: 1, failures: 0 },
      },
    ]);
  });

  it('counts an attempt in flight and releases it when the consumer stops early', async () => {
    const alpha = new ScriptedProvider([
      [
        { type: 'text-delta', text: 'one' },
        { type: 'text-delta', text: 'two' },
        { type: 'finish', finishReason: 'stop', usage },
      ],
    ]);
    const { pool } = createPool({ profiles: [profile('A', alpha)], breaker: { maxFailures: 1 } });
    const inFlightSeen: number[] = [];

    for await (const event of pool.stream(request)) {
      inFlightSeen.push(snapshotOf(pool, 'A').inFlight);
      if (event.type === 'text-delta') break;
    }

    expect(inFlightSeen).toEqual([1, 1]);
    expect(snapshotOf(pool, 'A')).toMatchObject({
      inFlight: 0,
      state: 'ok',
      breaker: 'closed',
      totals: { attempts: 1, successes: 0, failures: 0 },
    });
    expect(alpha.signals[0]?.aborted).toBe(true);
  });

  it('frees a half-open probe when the consumer stops early', async () => {
    const alpha = new ScriptedProvider([
      fails('timeout'),
      [{ type: 'text-delta', text: 'one' }, { type: 'stall' }],
      answers('from alpha'),
    ]);
    const beta = new ScriptedProvider([answers('from beta')]);
    const { pool } = createPool({
      profiles: [profile('A', alpha, { priority: 1 }), profile('B', beta, { priority: 2 })],
      breaker: { maxFailures: 1, resetTimeoutMs: 1_000 },
    });
    await call(pool);
    vi.advanceTimersByTime(1_000);

    for await (const event of pool.stream(request)) {
      if (event.type === 'text-delta') break;
    }
    const afterwards = await call(pool);

    expect(afterwards.events).toEqual(served('A', 'from alpha'));
  });

  it.each<[string, readonly PoolProfile[], string]>([
    ['no profiles', [], 'profiles must not be empty'],
    [
      'duplicate names',
      [profile('A', new ScriptedProvider([])), profile('A', new ScriptedProvider([]))],
      'profile names must be unique',
    ],
  ])('throws a RangeError for %s', (_description, profiles, message) => {
    expect(() => new ProviderPool({ profiles })).toThrow(new RangeError(message));
  });
});
