import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { FailoverReason } from './failover-reason.js';
import { isProviderError } from './provider-error.js';
import type { ProviderPoolOptions } from './provider-pool.js';
import { isProvidersUnavailableError } from './providers-unavailable-error.js';
import {
  ScriptedProvider,
  answers,
  call,
  createPool,
  failover,
  fails,
  profile,
  served,
  servedBy,
  snapshotOf,
  type CallResult,
  type Script,
} from './test-support/scripted-provider.js';

/**
 * The failover table of the design, restated row by row, so that a change of the pool's policy
 * that breaks a row fails here. Every time rule is stepped to 1 ms below and 1 ms above its
 * threshold.
 */
interface Row {
  reason: FailoverReason;
  sameProfileAgain: boolean;
  nextProfile: boolean;
  countsForBreaker: boolean;
}

const TABLE: readonly Row[] = [
  { reason: 'auth', sameProfileAgain: false, nextProfile: true, countsForBreaker: false },
  { reason: 'billing', sameProfileAgain: false, nextProfile: true, countsForBreaker: false },
  { reason: 'rate_limit', sameProfileAgain: false, nextProfile: true, countsForBreaker: false },
  { reason: 'overloaded', sameProfileAgain: false, nextProfile: true, countsForBreaker: true },
  { reason: 'server_error', sameProfileAgain: true, nextProfile: true, countsForBreaker: true },
  { reason: 'timeout', sameProfileAgain: false, nextProfile: true, countsForBreaker: true },
  { reason: 'network', sameProfileAgain: true, nextProfile: true, countsForBreaker: true },
  {
    reason: 'context_overflow',
    sameProfileAgain: false,
    nextProfile: true,
    countsForBreaker: false,
  },
  {
    reason: 'model_not_found',
    sameProfileAgain: false,
    nextProfile: true,
    countsForBreaker: false,
  },
  {
    reason: 'invalid_request',
    sameProfileAgain: false,
    nextProfile: false,
    countsForBreaker: false,
  },
  { reason: 'aborted', sameProfileAgain: false, nextProfile: false, countsForBreaker: false },
  { reason: 'unknown', sameProfileAgain: false, nextProfile: true, countsForBreaker: true },
];

const startMs = Date.parse('2025-01-01T00:00:00Z');
const DISABLE_MS = 60_000;
const OVERLOAD_MS = 5_000;
const BACKOFF_MS = 250;

/** Primary A (priority 1, window 1000) and fallback B (priority 2, window 2000). */
function twoProfiles(alphaScripts: readonly Script[], options: Partial<ProviderPoolOptions> = {}) {
  const alpha = new ScriptedProvider(alphaScripts);
  const beta = new ScriptedProvider([answers('from beta')]);
  const { pool, poolEvents } = createPool({
    profiles: [
      profile('A', alpha, { priority: 1, contextWindow: 1_000 }),
      profile('B', beta, { priority: 2, contextWindow: 2_000 }),
    ],
    breaker: { maxFailures: 100 },
    cooldowns: { disableInitialMs: DISABLE_MS, overloadedMs: OVERLOAD_MS },
    retryBackoffMs: BACKOFF_MS,
    ...options,
  });
  return { pool, poolEvents, alpha, beta };
}

/** Runs a call while fake time passes, until it settles. */
async function settle(pending: Promise<CallResult>): Promise<CallResult> {
  let result: CallResult | undefined;
  void pending.then((value) => (result = value));
  for (let step = 0; step < 1_000 && !result; step += 1) await vi.advanceTimersByTimeAsync(10);
  if (!result) throw new Error('the call did not settle');
  return result;
}

/** A's script for one attempt of each reason; the caller's own abort stalls until aborted. */
const failingAttempt = (reason: FailoverReason): Script =>
  reason === 'aborted' ? [{ type: 'stall' }] : fails(reason);

describe('the failover table', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(startMs);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  describe.each(TABLE)('$reason', (row) => {
    it(`tries the same profile again: ${row.sameProfileAgain ? 'once' : 'no'}; next profile: ${row.nextProfile ? 'yes' : 'no'}`, async () => {
      const { pool, alpha, beta } = twoProfiles([
        failingAttempt(row.reason),
        failingAttempt(row.reason),
        answers('from alpha'),
      ]);
      const controller = new AbortController();
      if (row.reason === 'aborted') setTimeout(() => controller.abort(), 100);

      const result = await settle(call(pool, { signal: controller.signal }));

      expect(alpha.calls).toBe(row.sameProfileAgain ? 2 : 1);
      if (row.nextProfile) {
        expect(result.error).toBeUndefined();
        expect(result.events).toEqual([
          { ...failover('A', 'B', row.reason), message: expect.any(String) },
          ...served('B', 'from beta'),
        ]);
      } else {
        expect(isProviderError(result.error) && result.error.reason).toBe(row.reason);
        expect(beta.calls).toBe(0);
      }
    });

    it(`${row.countsForBreaker ? 'counts' : 'does not count'} towards the breaker, which opens at N`, async () => {
      const { pool } = twoProfiles([failingAttempt(row.reason)], {
        breaker: { maxFailures: 2, resetTimeoutMs: 600_000 },
        // Keep the profile available between calls, so only the breaker can keep it out.
        cooldowns: { disableInitialMs: 0, overloadedMs: 0, rateLimitInitialMs: 0 },
        retryBackoffMs: 0,
      });
      const once = async (): Promise<void> => {
        const controller = new AbortController();
        if (row.reason === 'aborted') setTimeout(() => controller.abort(), 100);
        await settle(call(pool, { signal: controller.signal }));
      };

      // A same-profile retry is an attempt of its own: one call may count twice.
      await once();
      if (!row.sameProfileAgain) {
        expect(snapshotOf(pool, 'A').breaker).toBe('closed');
        await once();
      }

      expect(snapshotOf(pool, 'A').breaker).toBe(row.countsForBreaker ? 'open' : 'closed');
    });
  });

  describe('profile state after', () => {
    it.each<[FailoverReason]>([['auth'], ['billing'], ['model_not_found']])(
      '%s disables the profile for the disable period, then it serves again',
      async (reason) => {
        const { pool, alpha } = twoProfiles([fails(reason), answers('from alpha')]);
        await settle(call(pool));
        expect(snapshotOf(pool, 'A')).toMatchObject({
          state: 'disabled',
          disabledUntilMs: startMs + DISABLE_MS,
          unavailableReason: reason,
        });

        vi.setSystemTime(startMs + DISABLE_MS - 1);
        expect(servedBy(await settle(call(pool)))).toBe('B');
        vi.setSystemTime(startMs + DISABLE_MS + 1);
        expect(servedBy(await settle(call(pool)))).toBe('A');
        expect(alpha.calls).toBe(2);
      },
    );

    it('auth disables for a growing period: the second strike doubles it', async () => {
      const { pool } = twoProfiles([fails('auth')]);
      await settle(call(pool));
      vi.setSystemTime(startMs + DISABLE_MS);
      await settle(call(pool));

      expect(snapshotOf(pool, 'A').disabledUntilMs).toBe(startMs + DISABLE_MS + 2 * DISABLE_MS);
    });

    it('rate_limit cools down for exactly the retry-after', async () => {
      const { pool } = twoProfiles([fails('rate_limit', 30_000), answers('from alpha')]);
      await settle(call(pool));

      vi.setSystemTime(startMs + 29_999);
      expect(servedBy(await settle(call(pool)))).toBe('B');
      vi.setSystemTime(startMs + 30_001);
      expect(servedBy(await settle(call(pool)))).toBe('A');
    });

    it('rate_limit without retry-after backs off 1 s, then 2 s', async () => {
      const { pool } = twoProfiles([fails('rate_limit'), fails('rate_limit'), answers('a')], {
        cooldowns: { rateLimitInitialMs: 1_000 },
      });
      await settle(call(pool));
      expect(snapshotOf(pool, 'A').cooldownUntilMs).toBe(startMs + 1_000);

      vi.setSystemTime(startMs + 999);
      expect(servedBy(await settle(call(pool)))).toBe('B');
      vi.setSystemTime(startMs + 1_000);
      await settle(call(pool));
      expect(snapshotOf(pool, 'A').cooldownUntilMs).toBe(startMs + 1_000 + 2_000);
    });

    it('overloaded cools the profile down for the short cooldown', async () => {
      const { pool } = twoProfiles([fails('overloaded'), answers('from alpha')]);
      await settle(call(pool));

      vi.setSystemTime(startMs + OVERLOAD_MS - 1);
      expect(servedBy(await settle(call(pool)))).toBe('B');
      vi.setSystemTime(startMs + OVERLOAD_MS + 1);
      expect(servedBy(await settle(call(pool)))).toBe('A');
    });

    it.each<[FailoverReason]>([['server_error'], ['network']])(
      '%s retries the same profile after exactly the backoff, and leaves no state',
      async (reason) => {
        const { pool, alpha, beta } = twoProfiles([fails(reason), fails(reason), answers('a')]);
        const pending = call(pool);

        await vi.advanceTimersByTimeAsync(BACKOFF_MS - 1);
        expect(alpha.calls).toBe(1);
        await vi.advanceTimersByTimeAsync(2);
        expect(alpha.calls).toBe(2);
        expect(servedBy(await settle(pending))).toBe('B');
        expect(beta.calls).toBe(1);

        expect(snapshotOf(pool, 'A').state).toBe('ok');
        expect(servedBy(await settle(call(pool)))).toBe('A');
      },
    );

    it('timeout is a stream idle for idleTimeoutMs, and leaves no state', async () => {
      const { pool, beta } = twoProfiles([[{ type: 'stall' }], answers('from alpha')], {
        idleTimeoutMs: 1_000,
      });
      const pending = call(pool);

      await vi.advanceTimersByTimeAsync(999);
      expect(beta.calls).toBe(0);
      await vi.advanceTimersByTimeAsync(2);
      const result = await settle(pending);

      expect(result.events[0]).toMatchObject({ type: 'failover', reason: 'timeout' });
      expect(servedBy(result)).toBe('B');
      expect(snapshotOf(pool, 'A').state).toBe('ok');
      expect(servedBy(await settle(call(pool)))).toBe('A');
    });

    it('context_overflow moves only to a larger window, and leaves no state', async () => {
      const alpha = new ScriptedProvider([fails('context_overflow'), answers('from alpha')]);
      const same = new ScriptedProvider([answers('same window')]);
      const larger = new ScriptedProvider([answers('one token more')]);
      const { pool } = createPool({
        profiles: [
          profile('A', alpha, { priority: 1, contextWindow: 1_000 }),
          profile('S', same, { priority: 2, contextWindow: 1_000 }),
          profile('L', larger, { priority: 3, contextWindow: 1_001 }),
        ],
      });

      const result = await settle(call(pool));

      expect(servedBy(result)).toBe('L');
      expect(same.calls).toBe(0);
      expect(snapshotOf(pool, 'A').state).toBe('ok');
      expect(servedBy(await settle(call(pool)))).toBe('A');
    });

    it.each<[FailoverReason]>([['invalid_request'], ['unknown']])(
      '%s leaves the profile available at once',
      async (reason) => {
        const { pool } = twoProfiles([fails(reason), answers('from alpha')]);
        await settle(call(pool));

        expect(snapshotOf(pool, 'A')).toMatchObject({ state: 'ok', breaker: 'closed' });
        expect(servedBy(await settle(call(pool)))).toBe('A');
      },
    );

    it('aborted records nothing against the profile', async () => {
      const { pool } = twoProfiles([[{ type: 'stall' }], answers('from alpha')]);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      await settle(call(pool, { signal: controller.signal }));

      expect(snapshotOf(pool, 'A')).toMatchObject({
        state: 'ok',
        breaker: 'closed',
        totals: { attempts: 1, successes: 0, failures: 0 },
      });
      expect(servedBy(await settle(call(pool)))).toBe('A');
    });
  });

  describe('every profile unavailable', () => {
    it('fails with PROVIDERS_UNAVAILABLE and retryAfterMs the soonest recovery', async () => {
      const { pool } = createPool({
        profiles: [
          profile('A', new ScriptedProvider([fails('rate_limit', 45_000)])),
          profile('B', new ScriptedProvider([fails('rate_limit', 40_000)])),
        ],
        maxWaitMs: 10_000,
      });

      const result = await settle(call(pool));

      if (!isProvidersUnavailableError(result.error)) throw new Error('expected unavailable');
      expect(result.error.code).toBe('PROVIDERS_UNAVAILABLE');
      expect(result.error.retryAfterMs).toBe(40_000);
      expect(result.error.attempts.map((attempt) => attempt.reason)).toEqual([
        'rate_limit',
        'rate_limit',
      ]);
    });
  });
});
