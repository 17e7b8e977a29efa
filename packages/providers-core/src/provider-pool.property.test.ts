import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { ChatCallOptions, ChatProvider, ChatRequest, StreamEvent } from './chat.js';
import { FAILOVER_REASONS, type FailoverReason } from './failover-reason.js';
import type { PoolEvent, PoolStreamEvent } from './pool-types.js';
import { ProviderError, isProviderError } from './provider-error.js';
import { ProviderPool } from './provider-pool.js';
import { isProvidersUnavailableError } from './providers-unavailable-error.js';
import type { SelectionStrategy } from './profile-selector.js';
import { waitOrAbort } from './test-support/scripted-provider.js';

/** What one upstream attempt does. Latencies are in ms of fake time. */
type Outcome =
  | { kind: 'answer'; latencyMs: number }
  | { kind: 'fail'; reason: FailoverReason; retryAfterMs?: number; latencyMs: number }
  | { kind: 'fail-after-content'; reason: FailoverReason; latencyMs: number }
  | { kind: 'stall' }
  /** Throws a raw value, not a ProviderError, as a careless provider would. */
  | { kind: 'throw-raw'; status: number };

interface Scenario {
  strategy: SelectionStrategy;
  profiles: Array<{ priority: number; outcomes: Outcome[] }>;
  calls: Array<{ startAtMs: number; abortAfterMs?: number }>;
  maxFailures: number;
  resetTimeoutMs: number;
  maxWaitMs: number;
  deadlineMs: number;
}

const IDLE_TIMEOUT_MS = 400;
/** Shorter than the idle timeout: a stalled probe is ended by the probe timer, not the idle one. */
const PROBE_TIMEOUT_MS = 250;

const anyFailure = fc.constantFrom(
  ...FAILOVER_REASONS.filter((reason): reason is FailoverReason => reason !== 'aborted'),
);
/** Biased towards the reasons that leave state behind, so runs exercise cooldowns often. */
const failureReason = fc.oneof(
  { arbitrary: fc.constantFrom<FailoverReason>('rate_limit', 'overloaded', 'auth'), weight: 2 },
  { arbitrary: anyFailure, weight: 1 },
);
const latency = fc.oneof(fc.constantFrom(0, 300), fc.integer({ min: 0, max: 300 }));

const outcome: fc.Arbitrary<Outcome> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('answer' as const), latencyMs: latency }), weight: 2 },
  {
    arbitrary: fc.record(
      {
        kind: fc.constant('fail' as const),
        reason: failureReason,
        // Mostly a few distinct values, so concurrent failures report conflicting retry-afters.
        retryAfterMs: fc.oneof(fc.constantFrom(0, 100, 2_000), fc.integer({ min: 0, max: 3_000 })),
        latencyMs: latency,
      },
      { requiredKeys: ['kind', 'reason', 'latencyMs'] },
    ),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('fail-after-content' as const),
      reason: failureReason,
      latencyMs: latency,
    }),
    weight: 1,
  },
  { arbitrary: fc.constant({ kind: 'stall' as const }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('throw-raw' as const),
      status: fc.constantFrom(401, 429, 500, 503),
    }),
    weight: 1,
  },
);

const scenario: fc.Arbitrary<Scenario> = fc.record({
  strategy: fc.constantFrom<SelectionStrategy>('priority', 'round_robin', 'least_used', 'random'),
  profiles: fc.array(
    fc.record({
      priority: fc.integer({ min: 1, max: 2 }),
      outcomes: fc.array(outcome, { minLength: 1, maxLength: 8 }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  calls: fc.array(
    fc.record(
      {
        // Often together, so calls overlap on the same profiles.
        startAtMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3_000 })),
        abortAfterMs: fc.integer({ min: 0, max: 2_000 }),
      },
      { requiredKeys: ['startAtMs'] },
    ),
    { minLength: 1, maxLength: 6 },
  ),
  maxFailures: fc.integer({ min: 1, max: 3 }),
  resetTimeoutMs: fc.integer({ min: 100, max: 2_000 }),
  maxWaitMs: fc.integer({ min: 0, max: 3_000 }),
  deadlineMs: fc.integer({ min: 1_000, max: 8_000 }),
});

/** Everything a run saw that an invariant can be checked against. */
interface Observations {
  violations: string[];
  poolEvents: PoolEvent[];
}

/**
 * An upstream that plays its outcomes in turn (the last one repeats) and checks, as every
 * attempt starts, that the pool was allowed to make it.
 */
class CheckedProvider implements ChatProvider {
  readonly kind = 'checked';
  private started = 0;
  private probesInFlight = 0;
  pool: ProviderPool | undefined;

  constructor(
    private readonly name: string,
    private readonly outcomes: readonly Outcome[],
    private readonly observations: Observations,
  ) {}

  async *stream(_request: ChatRequest, options: ChatCallOptions): AsyncGenerator<StreamEvent> {
    const planned = this.outcomes[Math.min(this.started, this.outcomes.length - 1)];
    this.started += 1;
    const snapshot = this.pool?.snapshot().find((profile) => profile.name === this.name);
    const isProbe = snapshot?.breaker === 'half-open';
    if (snapshot && snapshot.state !== 'ok') {
      this.observations.violations.push(`attempt on ${this.name} while ${snapshot.state}`);
    }
    if (isProbe) this.probesInFlight += 1;
    if (this.probesInFlight > 1) {
      this.observations.violations.push(`two probes in flight on ${this.name}`);
    }

    try {
      if (!planned) return;
      if (planned.kind === 'stall') {
        await waitOrAbort(Number.POSITIVE_INFINITY, options.signal);
        return;
      }
      if (planned.kind === 'throw-raw') {
        throw { status: planned.status, message: `raw ${planned.status}` };
      }
      await waitOrAbort(planned.latencyMs, options.signal);
      if (planned.kind === 'fail') {
        throw new ProviderError(`scripted ${planned.reason}`, {
          reason: planned.reason,
          ...(planned.retryAfterMs === undefined ? {} : { retryAfterMs: planned.retryAfterMs }),
        });
      }
      yield { type: 'metadata', responseId: 'scripted' };
      yield { type: 'text-delta', text: 'hello' };
      await waitOrAbort(planned.latencyMs, options.signal);
      if (planned.kind === 'fail-after-content') {
        throw new ProviderError(`scripted ${planned.reason}`, { reason: planned.reason });
      }
      yield { type: 'finish', finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } };
    } finally {
      if (isProbe) this.probesInFlight -= 1;
    }
  }
}

type CallEnd =
  | { kind: 'finished'; events: PoolStreamEvent[] }
  | { kind: 'failed'; events: PoolStreamEvent[]; error: unknown };

const isContent = (event: PoolStreamEvent): boolean =>
  event.type === 'text-delta' || event.type === 'tool-call';

/** The invariants every call must satisfy, whatever the upstreams did. */
function checkCallEnd(end: CallEnd, violations: string[]): void {
  const contentSeen = end.events.some(isContent);
  if (end.kind === 'finished') {
    const finishes = end.events.filter((event) => event.type === 'finish');
    if (finishes.length !== 1 || end.events.at(-1)?.type !== 'finish') {
      violations.push('a call finished without exactly one final finish event');
    }
    return;
  }
  const { error } = end;
  if (isProviderError(error)) {
    if (error.partial !== contentSeen) {
      violations.push(`partial=${error.partial} but content seen=${contentSeen} (${error.reason})`);
    }
    return;
  }
  if (isProvidersUnavailableError(error)) {
    if (contentSeen) violations.push('PROVIDERS_UNAVAILABLE after content reached the caller');
    return;
  }
  violations.push(`a call ended with an untyped error: ${String(error)}`);
}

/**
 * Deadlines reported for one scope must never move earlier while they stand. A success
 * re-enables a disabled profile (`profile-enabled`), and an ended cooldown is over; after
 * either, a new failure starts a new deadline, which may well be sooner than the old one.
 */
function checkDeadlinesOnlyMoveLater(events: readonly PoolEvent[], violations: string[]): void {
  const latest = new Map<string, number>();
  for (const event of events) {
    if (event.type === 'profile-enabled' || event.type === 'cooldown-ended') {
      const ended = event.type === 'profile-enabled' ? 'profile-disabled' : 'cooldown-set';
      latest.delete(`${ended} ${event.profile} ${event.model ?? ''}`);
      continue;
    }
    if (event.type !== 'cooldown-set' && event.type !== 'profile-disabled') continue;
    const scope = `${event.type} ${event.profile} ${event.model ?? ''}`;
    const previous = latest.get(scope);
    if (previous !== undefined && event.untilMs < previous) {
      violations.push(`${scope} moved earlier: ${previous} -> ${event.untilMs}`);
    }
    latest.set(scope, Math.max(previous ?? 0, event.untilMs));
  }
}

async function run(input: Scenario, seed: number): Promise<Observations> {
  const observations: Observations = { violations: [], poolEvents: [] };
  const providers = input.profiles.map(
    (profile, index) => new CheckedProvider(`P${index}`, profile.outcomes, observations),
  );
  let randomState = seed;
  const pool = new ProviderPool({
    strategy: input.strategy,
    random: () => {
      randomState = (randomState * 1_103_515_245 + 12_345) % 2 ** 31;
      return randomState / 2 ** 31;
    },
    profiles: input.profiles.map((profile, index) => ({
      name: `P${index}`,
      provider: providers[index] as CheckedProvider,
      model: 'model',
      priority: profile.priority,
    })),
    breaker: {
      maxFailures: input.maxFailures,
      resetTimeoutMs: input.resetTimeoutMs,
      probeTimeoutMs: PROBE_TIMEOUT_MS,
    },
    cooldowns: { disableInitialMs: 5_000, overloadedMs: 500, rateLimitInitialMs: 200 },
    maxWaitMs: input.maxWaitMs,
    deadlineMs: input.deadlineMs,
    idleTimeoutMs: IDLE_TIMEOUT_MS,
    retryBackoffMs: 50,
    onEvent: (event) => observations.poolEvents.push(event),
  });
  for (const provider of providers) provider.pool = pool;

  const ends: CallEnd[] = [];
  const settledCounts = input.calls.map(() => 0);
  const calls = input.calls.map(async (planned, index) => {
    await new Promise((resolve) => setTimeout(resolve, planned.startAtMs));
    const controller = new AbortController();
    if (planned.abortAfterMs !== undefined) {
      setTimeout(() => controller.abort(), planned.abortAfterMs);
    }
    const events: PoolStreamEvent[] = [];
    try {
      const request = { messages: [{ role: 'user' as const, content: 'hi' }] };
      for await (const event of pool.stream(request, { signal: controller.signal })) {
        events.push(event);
      }
      ends.push({ kind: 'finished', events });
    } catch (error) {
      ends.push({ kind: 'failed', events, error });
    } finally {
      settledCounts[index] = (settledCounts[index] ?? 0) + 1;
    }
  });

  // Far past the latest start plus the longest deadline: every call must have ended by then.
  for (let elapsedMs = 0; elapsedMs < 20_000; elapsedMs += 50) {
    await vi.advanceTimersByTimeAsync(50);
    if (settledCounts.every((count) => count > 0)) break;
  }
  await Promise.race([Promise.all(calls), Promise.resolve()]);
  pool.close();

  if (!settledCounts.every((count) => count === 1)) {
    observations.violations.push(`calls settled ${settledCounts.join(',')} times, not once each`);
  }
  for (const end of ends) checkCallEnd(end, observations.violations);
  checkDeadlinesOnlyMoveLater(observations.poolEvents, observations.violations);
  return observations;
}

/**
 * Found by this property: a success in flight re-enables a profile another call has just
 * disabled, and its next failure disables it again, sooner than before. Kept as an example.
 */
const REENABLED_THEN_DISABLED_AGAIN: Scenario = {
  strategy: 'priority',
  profiles: [
    {
      priority: 1,
      outcomes: [
        { kind: 'fail', reason: 'rate_limit', latencyMs: 0 },
        { kind: 'answer', latencyMs: 0 },
        { kind: 'fail', reason: 'model_not_found', latencyMs: 0 },
      ],
    },
  ],
  calls: [{ startAtMs: 0 }, { startAtMs: 0 }, { startAtMs: 0 }],
  maxFailures: 1,
  resetTimeoutMs: 100,
  maxWaitMs: 200,
  deadlineMs: 1_000,
};

describe('ProviderPool under random outcomes, latencies and concurrent calls', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };

  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.parse('2025-01-01T00:00:00Z'));
    process.on('unhandledRejection', onUnhandled);
  });

  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
    vi.useRealTimers();
  });

  it('keeps every invariant: no forbidden attempt, one probe, deadlines only later, one end per call', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, fc.integer({ min: 1, max: 2 ** 30 }), async (input, seed) => {
        const { violations } = await run(input, seed);
        expect(violations).toEqual([]);
      }),
      { numRuns: 200, examples: [[REENABLED_THEN_DISABLED_AGAIN, 1]] },
    );
    // Let any stray rejection surface before checking.
    await vi.advanceTimersByTimeAsync(0);
    expect(unhandled).toEqual([]);
  });

  it('detects an attempt on a cooling profile, so the invariants above can fail', async () => {
    const blocked = new ProviderPool({
      profiles: [{ name: 'P0', provider: failingOnce('overloaded'), model: 'model' }],
      cooldowns: { overloadedMs: 1_000 },
      maxWaitMs: 0,
    });
    await expect(drain(blocked.stream({ messages: [] }))).rejects.toThrow(
      'No provider profile is available (attempts: P0: overloaded)',
    );
    const observations: Observations = { violations: [], poolEvents: [] };
    const provider = new CheckedProvider('P0', [{ kind: 'answer', latencyMs: 0 }], observations);
    provider.pool = blocked;

    // Called directly, as a pool that ignored the cooldown would call it.
    const signal = new AbortController().signal;
    const attempt = drain(provider.stream({ model: 'model', messages: [] }, { signal }));
    await vi.advanceTimersByTimeAsync(10);
    await attempt;

    expect(observations.violations).toEqual(['attempt on P0 while cooling_down']);
    blocked.close();
  });
});

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const event of stream) void event;
}

function failingOnce(reason: FailoverReason): ChatProvider {
  return {
    kind: 'failing',
    // An upstream that fails before its first event.
    async *stream() {
      throw new ProviderError(`scripted ${reason}`, { reason });
    },
  };
}
