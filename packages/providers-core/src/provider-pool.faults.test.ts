import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { ChatProvider, StreamEvent } from './chat.js';
import { functionProvider } from './function-provider.js';
import { InMemoryHealthStore, type HealthRecord } from './health-store.js';
import type { PoolEvent, PoolProfile } from './pool-types.js';
import { ProviderError, isProviderError } from './provider-error.js';
import { ProviderPool, type ProviderPoolOptions } from './provider-pool.js';
import { isProvidersUnavailableError } from './providers-unavailable-error.js';
import {
  ScriptedProvider,
  answers,
  call,
  fails,
  profile,
  servedBy,
  snapshotOf,
  type CallResult,
} from './test-support/scripted-provider.js';

/**
 * The pool against providers and observers that misbehave: it must still end every call on
 * time, with a typed error or an answer, and keep its bookkeeping straight.
 */
const startMs = Date.parse('2025-01-01T00:00:00Z');

/** An upstream that never answers and ignores its abort signal. */
const deaf: ChatProvider = {
  kind: 'deaf',
  async *stream() {
    await new Promise(() => undefined);
  },
};

/** Lets fake time pass in 1 ms steps until `pending` settles (20 s at most). */
async function settle<T>(pending: Promise<T>): Promise<T> {
  let settled: { value: T } | undefined;
  void pending.then((value) => (settled = { value }));
  for (let step = 0; step < 20_000 && !settled; step += 1) await vi.advanceTimersByTimeAsync(1);
  if (!settled) throw new Error('the call did not end');
  return settled.value;
}

/** Runs a call while fake time passes; returns it with the time since the test started. */
async function timed(pending: Promise<CallResult>): Promise<CallResult & { tookMs: number }> {
  const result = await settle(pending);
  return { ...result, tookMs: Date.now() - startMs };
}

function poolOf(profiles: PoolProfile[], options: Partial<ProviderPoolOptions> = {}) {
  const events: PoolEvent[] = [];
  const pool = new ProviderPool({ profiles, onEvent: (event) => events.push(event), ...options });
  return { pool, events };
}

const healthy = (): ScriptedProvider => new ScriptedProvider([answers('from beta')]);

describe('ProviderPool with misbehaving providers', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(startMs);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  describe('an upstream that ignores its signal', () => {
    it('still ends the call at its deadline', async () => {
      const { pool } = poolOf([profile('A', deaf)], { deadlineMs: 500, idleTimeoutMs: 5_000 });

      const result = await timed(call(pool));

      expect(isProviderError(result.error) && result.error.reason).toBe('aborted');
      expect(result.tookMs).toBe(500);
    });

    it('still ends the call when the caller aborts, at once', async () => {
      const { pool } = poolOf([profile('A', deaf)], { idleTimeoutMs: Number.POSITIVE_INFINITY });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 200);

      const result = await timed(call(pool, { signal: controller.signal }));

      expect(isProviderError(result.error) && result.error.reason).toBe('aborted');
      expect(result.tookMs).toBe(200);
      expect(snapshotOf(pool, 'A')).toMatchObject({ inFlight: 0, totals: { failures: 0 } });
    });
  });

  describe('concurrent failures of one incident', () => {
    it('disable the profile once, for the first period, not once per overlapping attempt', async () => {
      const slowAuthFailure = new ScriptedProvider([
        [{ type: 'wait', delayMs: 50 }, ...fails('auth')],
      ]);
      const { pool } = poolOf(
        [profile('A', slowAuthFailure, { priority: 1 }), profile('B', healthy(), { priority: 2 })],
        { cooldowns: { disableInitialMs: 300_000 } },
      );

      const results = await timed(
        Promise.all(Array.from({ length: 10 }, () => call(pool))).then((all) => ({
          events: all.flatMap((result) => result.events),
          error: all.find((result) => result.error)?.error,
        })),
      );

      expect(results.error).toBeUndefined();
      expect(snapshotOf(pool, 'A').disabledUntilMs).toBe(startMs + 50 + 300_000);
    });

    it('cool a rate-limited profile down for the first backoff only', async () => {
      const slowRateLimit = new ScriptedProvider([
        [{ type: 'wait', delayMs: 50 }, ...fails('rate_limit')],
      ]);
      const { pool } = poolOf(
        [profile('A', slowRateLimit, { priority: 1 }), profile('B', healthy(), { priority: 2 })],
        { cooldowns: { rateLimitInitialMs: 1_000 } },
      );

      await timed(
        Promise.all(Array.from({ length: 5 }, () => call(pool))).then(() => ({
          events: [],
          error: undefined,
        })),
      );

      expect(snapshotOf(pool, 'A').cooldownUntilMs).toBe(startMs + 50 + 1_000);
    });
  });

  describe('a provider that breaks the contract', () => {
    it.each<[string, ChatProvider['stream']]>([
      [
        'throws from stream() itself',
        () => {
          throw 'boom-string';
        },
      ],
      ['returns something that is not iterable', () => 42 as unknown as AsyncIterable<StreamEvent>],
      [
        'is an async function instead of an async generator',
        (async () => [answers('x')]) as unknown as ChatProvider['stream'],
      ],
    ])('is failed over when it %s, with nothing left in flight', async (_case, stream) => {
      const { pool, events } = poolOf([
        profile('A', { kind: 'broken', stream }, { priority: 1 }),
        profile('B', healthy(), { priority: 2 }),
      ]);

      const result = await timed(call(pool));

      expect(result.error).toBeUndefined();
      expect(servedBy(result)).toBe('B');
      expect(snapshotOf(pool, 'A')).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
      expect(events).toContainEqual(
        expect.objectContaining({ type: 'attempt-end', profile: 'A', outcome: 'unknown' }),
      );
    });

    it.each<[string, unknown[]]>([
      ['an unknown event type', [{ type: 'bogus' }]],
      ['a number', [42]],
      ['a finish without usage', [{ type: 'finish', finishReason: 'stop' }]],
      ['nothing at all', []],
      ['text without a finish', [{ type: 'text-delta', text: 'half' }]],
    ])('does not take %s for an answer', async (_case, yielded) => {
      const garbage: ChatProvider = {
        kind: 'garbage',
        async *stream() {
          for (const value of yielded) yield value as StreamEvent;
        },
      };
      const { pool } = poolOf([
        profile('A', garbage, { priority: 1 }),
        profile('B', healthy(), { priority: 2 }),
      ]);

      const result = await timed(call(pool));
      const contentFirst =
        yielded[0] !== undefined && (yielded[0] as StreamEvent).type === 'text-delta';

      if (contentFirst) {
        // Content already reached the caller: the turn ends partial, never as a clean answer.
        expect(isProviderError(result.error) && result.error.partial).toBe(true);
      } else {
        expect(servedBy(result)).toBe('B');
      }
      expect(snapshotOf(pool, 'A').totals.successes).toBe(0);
    });

    it('classifies a raw thrown value by its shape', async () => {
      const raw: ChatProvider = {
        kind: 'raw',
        // A provider that throws something other than a ProviderError before its first event.
        async *stream() {
          throw Object.assign(new Error('Too Many Requests'), {
            status: 429,
            headers: { 'retry-after': 30 },
          });
        },
      };
      const { pool } = poolOf([
        profile('A', raw, { priority: 1 }),
        profile('B', healthy(), { priority: 2 }),
      ]);

      const result = await timed(call(pool));

      expect(result.events[0]).toMatchObject({ type: 'failover', reason: 'rate_limit' });
      expect(snapshotOf(pool, 'A').cooldownUntilMs).toBe(startMs + 30_000);
    });

    it.each<[string, (hostile: Error) => ChatProvider['stream']]>([
      [
        'thrown inside the stream',
        (hostile) =>
          async function* () {
            yield* [];
            throw hostile;
          },
      ],
      [
        'as the rejection of a promise returned instead',
        (hostile) => () => Promise.reject(hostile) as never,
      ],
    ])('survives an error whose message getter throws, %s', async (_case, makeStream) => {
      const hostile = new Error('x');
      Object.defineProperty(hostile, 'message', {
        get: () => {
          throw new Error('getter');
        },
      });
      const { pool } = poolOf([
        profile('A', { kind: 'hostile', stream: makeStream(hostile) }, { priority: 1 }),
        profile('B', healthy(), { priority: 2 }),
      ]);

      const result = await timed(call(pool));

      expect(servedBy(result)).toBe('B');
    });
  });

  describe('observers and stores that throw', () => {
    it('keep calls and bookkeeping intact when onEvent throws', async () => {
      const pool = new ProviderPool({
        profiles: [profile('A', new ScriptedProvider([fails('overloaded'), answers('a')]))],
        cooldowns: { overloadedMs: 1_000 },
        maxWaitMs: 5_000,
        onEvent: () => {
          throw new Error('observer failed');
        },
      });

      const result = await timed(call(pool));
      await vi.advanceTimersByTimeAsync(10_000);

      expect(servedBy(result)).toBe('A');
      expect(snapshotOf(pool, 'A')).toMatchObject({ inFlight: 0, state: 'ok' });
    });

    it('try a profile whose health cannot be read, and report the store error', async () => {
      const broken = new InMemoryHealthStore();
      broken.get = () => {
        throw new Error('SQLITE_BUSY');
      };
      const { pool, events } = poolOf([profile('A', new ScriptedProvider([answers('a')]))], {
        healthStore: broken,
      });

      const result = await timed(call(pool));

      expect(servedBy(result)).toBe('A');
      expect(events).toContainEqual(
        expect.objectContaining({ type: 'health-store-error', operation: 'get' }),
      );
    });

    it('announce no cooldown that the store failed to keep', async () => {
      const store = new InMemoryHealthStore();
      store.set = () => {
        throw new Error('disk full');
      };
      const { pool, events } = poolOf(
        [
          profile('A', new ScriptedProvider([fails('rate_limit', 5_000)]), { priority: 1 }),
          profile('B', healthy(), { priority: 2 }),
        ],
        { healthStore: store },
      );

      await timed(call(pool));

      expect(events.filter((event) => event.type === 'cooldown-set')).toEqual([]);
      expect(events).toContainEqual(
        expect.objectContaining({ type: 'health-store-error', operation: 'set' }),
      );
    });

    it('do not turn a delivered answer into a failure when a write fails', async () => {
      const store = new InMemoryHealthStore();
      store.set('model:A:model-A', { strikes: 2 } satisfies HealthRecord);
      store.set = () => {
        throw new Error('disk full');
      };
      const { pool } = poolOf([profile('A', new ScriptedProvider([answers('a')]))], {
        healthStore: store,
      });

      const result = await timed(call(pool));

      expect(result.error).toBeUndefined();
      expect(snapshotOf(pool, 'A').totals).toEqual({ attempts: 1, successes: 1, failures: 0 });
    });
  });

  it('caps an absurd retry-after at maxRetryAfterMs', async () => {
    const { pool } = poolOf(
      [
        profile('A', new ScriptedProvider([fails('rate_limit', Number.POSITIVE_INFINITY)]), {
          priority: 1,
        }),
        profile('B', healthy(), { priority: 2 }),
      ],
      { cooldowns: { maxRetryAfterMs: 3_600_000 } },
    );

    await timed(call(pool));

    expect(snapshotOf(pool, 'A').cooldownUntilMs).toBe(startMs + 3_600_000);
  });

  it('ends a probe that never settles, so a second probe never joins it', async () => {
    let inFlight = 0;
    let mostInFlight = 0;
    // Hangs until aborted, as an SDK request to a stuck upstream does.
    const flaky: ChatProvider = {
      kind: 'flaky',
      async *stream(_request, { signal }) {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        try {
          await new Promise((resolve) => signal.addEventListener('abort', resolve));
          throw new ProviderError('Request was aborted.', { reason: 'aborted' });
        } finally {
          inFlight -= 1;
        }
      },
    };
    // The idle timeout is longer than the probe timeout: only the pool's probe timer can end
    // the hanging probe before a second call arrives.
    const { pool } = poolOf(
      [profile('A', flaky, { priority: 1 }), profile('B', healthy(), { priority: 2 })],
      {
        breaker: { maxFailures: 1, resetTimeoutMs: 100, probeTimeoutMs: 200 },
        idleTimeoutMs: 2_000,
      },
    );
    await timed(call(pool));
    expect(snapshotOf(pool, 'A').breaker).toBe('open');
    await vi.advanceTimersByTimeAsync(150);

    const probe = call(pool);
    await vi.advanceTimersByTimeAsync(250);
    const second = call(pool);
    const [probeResult, secondResult] = await settle(Promise.all([probe, second]));

    expect(probeResult.events[0]).toMatchObject({ type: 'failover', reason: 'timeout' });
    expect(secondResult.error).toBeUndefined();
    expect(mostInFlight).toBe(1);
  });

  it('does not wait out a retry backoff longer than the deadline', async () => {
    const { pool } = poolOf([profile('A', new ScriptedProvider([fails('server_error')]))], {
      deadlineMs: 300,
      retryBackoffMs: 2_000,
    });

    const result = await timed(call(pool));

    expect(result.tookMs).toBeLessThanOrEqual(1);
    if (!isProvidersUnavailableError(result.error)) throw new Error('expected unavailable');
    expect(result.error.attempts.map((attempt) => attempt.reason)).toEqual(['server_error']);
  });

  it.each<[string, Partial<ProviderPoolOptions>, string]>([
    ['an unknown strategy', { strategy: 'weighted' as never }, 'strategy must be one of'],
    ['maxAttempts NaN', { maxAttempts: Number.NaN }, 'maxAttempts must be a positive integer'],
    ['a negative deadline', { deadlineMs: -1 }, 'deadlineMs must be at least 1 ms'],
    ['idleTimeoutMs NaN', { idleTimeoutMs: Number.NaN }, 'idleTimeoutMs must be a finite number'],
    ['a negative backoff', { retryBackoffMs: -5 }, 'retryBackoffMs must be at least 0 ms'],
    [
      'rate-limit initial above its cap',
      { cooldowns: { rateLimitInitialMs: 10, rateLimitMaxMs: 5 } },
      'rateLimitInitialMs (10) must not exceed rateLimitMaxMs (5)',
    ],
  ])('refuses %s with a RangeError naming it', (_case, options, message) => {
    expect(() => new ProviderPool({ profiles: [profile('A', healthy())], ...options })).toThrow(
      new RangeError(message).message,
    );
  });

  it.each<[string, Partial<PoolProfile>, string]>([
    ['a NaN priority', { priority: Number.NaN }, 'profiles[0].priority must be a finite number'],
    [
      'no provider',
      { provider: undefined as never },
      'profiles[0].provider must be a ChatProvider',
    ],
    ['an empty model', { model: '' }, 'profiles[0].model must be a non-empty string'],
  ])('refuses a profile with %s', (_case, override, message) => {
    const bad = { ...profile('A', healthy()), ...override };
    expect(() => new ProviderPool({ profiles: [bad] })).toThrow(message);
  });
});

describe('functionProvider classification of plain throws', () => {
  it.each<[string, unknown, string]>([
    ['a plain object with a rate-limit message', { message: 'Rate limit exceeded' }, 'rate_limit'],
    [
      'a 429 whose headers throw when read',
      {
        status: 429,
        get headers(): never {
          throw new Error('getter');
        },
      },
      'rate_limit',
    ],
  ])('classifies %s', async (_case, thrown, reason) => {
    const provider = functionProvider({
      kind: 'plain',
      call: async () => {
        throw thrown;
      },
    });
    const errors: unknown[] = [];
    try {
      for await (const event of provider.stream(
        { model: 'm', messages: [] },
        { signal: new AbortController().signal },
      ))
        void event;
    } catch (error) {
      errors.push(error);
    }

    expect(errors).toHaveLength(1);
    expect(isProviderError(errors[0]) && errors[0].reason).toBe(reason);
    expect(errors[0]).toBeInstanceOf(ProviderError);
  });
});

describe('ProviderPool probes and finished answers', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(startMs);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  /** First fails with a 500, then streams ten tokens 50 ms apart. */
  function slowStreamer(): ChatProvider {
    let calls = 0;
    return {
      kind: 'slow',
      async *stream(_request, { signal }) {
        calls += 1;
        if (calls === 1) throw new ProviderError('boom', { reason: 'server_error' });
        for (let index = 0; index < 10; index += 1) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          if (signal.aborted)
            throw new ProviderError('Request was aborted.', { reason: 'aborted' });
          yield { type: 'text-delta', text: `t${index}` };
        }
        yield { type: 'finish', finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 10 } };
      },
    };
  }

  it('lets a probe that keeps streaming run past probeTimeoutMs, and closes the breaker', async () => {
    const { pool } = poolOf(
      [profile('A', slowStreamer(), { priority: 1 }), profile('B', healthy(), { priority: 2 })],
      {
        breaker: { maxFailures: 1, resetTimeoutMs: 100, probeTimeoutMs: 200 },
        retryBackoffMs: 0,
        idleTimeoutMs: 1_000,
      },
    );
    await settle(call(pool));
    await vi.advanceTimersByTimeAsync(150);

    const probe = await settle(call(pool));

    expect(probe.error).toBeUndefined();
    expect(servedBy(probe)).toBe('A');
    expect(snapshotOf(pool, 'A').breaker).toBe('closed');
  });

  it('reopens the breaker when its probe times out, so the next call skips the profile', async () => {
    const hanging: ChatProvider = {
      kind: 'hanging',
      async *stream(_request, { signal }) {
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
        throw new ProviderError('Request was aborted.', { reason: 'aborted' });
      },
    };
    const beta = healthy();
    const { pool, events } = poolOf(
      [profile('A', hanging, { priority: 1 }), profile('B', beta, { priority: 2 })],
      { breaker: { maxFailures: 1, resetTimeoutMs: 100, probeTimeoutMs: 200 }, idleTimeoutMs: 50 },
    );
    await settle(call(pool));
    await vi.advanceTimersByTimeAsync(150);
    await settle(call(pool));

    const startedAtMs = Date.now();
    const next = await settle(call(pool));

    expect(
      events
        .filter((event) => event.type === 'breaker')
        .map((event) => event.type === 'breaker' && `${event.from}->${event.to}`),
    ).toEqual(['closed->open', 'open->half-open', 'half-open->open']);
    expect(servedBy(next)).toBe('B');
    expect(Date.now() - startedAtMs).toBeLessThanOrEqual(1);
  });

  it('records the answer when the caller stops reading at its finish', async () => {
    const alpha = new ScriptedProvider([fails('timeout'), answers('from alpha')]);
    const { pool } = poolOf(
      [profile('A', alpha, { priority: 1 }), profile('B', healthy(), { priority: 2 })],
      { breaker: { maxFailures: 1, resetTimeoutMs: 100 }, sticky: true },
    );
    await settle(call(pool));
    await vi.advanceTimersByTimeAsync(150);

    for await (const event of pool.stream(
      { messages: [{ role: 'user', content: 'hi' }] },
      { conversationKey: 'work' },
    )) {
      if (event.type === 'finish') break;
    }

    expect(snapshotOf(pool, 'A')).toMatchObject({
      breaker: 'closed',
      inFlight: 0,
      totals: { successes: 1 },
    });
  });

  it('ends the call at the finish event, whatever the upstream does after it', async () => {
    const lingering: ChatProvider = {
      kind: 'lingering',
      async *stream() {
        yield { type: 'text-delta', text: 'done' };
        yield { type: 'finish', finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } };
        await new Promise(() => undefined);
      },
    };
    const { pool } = poolOf([profile('A', lingering)], { idleTimeoutMs: 1_000 });

    const result = await timed(call(pool));

    expect(result.error).toBeUndefined();
    expect(result.tookMs).toBeLessThanOrEqual(1);
    expect(snapshotOf(pool, 'A').totals).toEqual({ attempts: 1, successes: 1, failures: 0 });
  });

  it('re-enables a disabled profile when one of its attempts succeeds', async () => {
    const alpha = new ScriptedProvider([
      [{ type: 'wait', delayMs: 10 }, ...fails('auth')],
      [{ type: 'wait', delayMs: 50 }, ...answers('from alpha')],
    ]);
    const { pool, events } = poolOf([
      profile('A', alpha, { priority: 1 }),
      profile('B', healthy(), { priority: 2 }),
    ]);

    await settle(Promise.all([call(pool), call(pool)]));

    expect(snapshotOf(pool, 'A').state).toBe('ok');
    expect(events).toContainEqual({ type: 'profile-enabled', profile: 'A', reason: 'auth' });
  });

  it('treats a reason outside the failover table as unknown', async () => {
    const typo = new ScriptedProvider([
      [{ type: 'fail', error: new ProviderError('x', { reason: 'ratelimit' as never }) }],
    ]);
    const { pool } = poolOf([
      profile('A', typo, { priority: 1 }),
      profile('B', healthy(), { priority: 2 }),
    ]);

    const result = await timed(call(pool));

    expect(result.events[0]).toMatchObject({ type: 'failover', reason: 'unknown' });
  });

  it('refuses a call deadline that is not a positive number of ms', async () => {
    const { pool } = poolOf([profile('A', healthy())]);

    const result = await timed(call(pool, { deadlineMs: Number.NaN }));

    expect(result.error).toEqual(
      new RangeError('deadlineMs must be a finite number of ms, got NaN'),
    );
  });

  it('classifies a provider code thrown as a plain object', async () => {
    const raw: ChatProvider = {
      kind: 'raw',
      async *stream() {
        yield* [];
        throw { status: 429, code: 'insufficient_quota', message: 'quota' };
      },
    };
    const { pool } = poolOf([
      profile('A', raw, { priority: 1 }),
      profile('B', healthy(), { priority: 2 }),
    ]);

    const result = await timed(call(pool));

    expect(result.events[0]).toMatchObject({ type: 'failover', reason: 'billing' });
  });
});
