import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { FAILOVER_REASONS, type FailoverReason } from './failover-reason.js';
import { InMemoryHealthStore, type HealthRecord, type HealthStore } from './health-store.js';
import {
  ProfileHealth,
  modelKey,
  profileKey,
  type HealthChange,
  type ProfileHealthOptions,
} from './profile-health.js';

const startMs = Date.parse('2025-01-01T00:00:00Z');

/** A store of its own, to see that ProfileHealth goes through the interface. */
class RecordingHealthStore implements HealthStore {
  readonly records = new Map<string, HealthRecord>();
  readonly writes: string[] = [];

  get(key: string): HealthRecord | undefined {
    return this.records.get(key);
  }

  set(key: string, record: HealthRecord): void {
    this.writes.push(key);
    this.records.set(key, record);
  }

  delete(key: string): void {
    this.writes.push(`delete ${key}`);
    this.records.delete(key);
  }
}

function createHealth(options: ProfileHealthOptions = {}): {
  health: ProfileHealth;
  changes: HealthChange[];
} {
  const changes: HealthChange[] = [];
  const health = new ProfileHealth({ onChange: (change) => changes.push(change), ...options });
  return { health, changes };
}

/** Milliseconds until `profile` can serve `model` again; zero when it can now. */
function blockedForMs(health: ProfileHealth, profile: string, model: string): number {
  const blocked = health.unavailability(profile, model);
  return blocked ? blocked.untilMs - Date.now() : 0;
}

describe('ProfileHealth', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(startMs);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  describe('rate limits', () => {
    it('cool down for exactly the retry-after', () => {
      const { health } = createHealth();

      health.recordFailure({
        profile: 'alpha',
        model: 'gpt',
        reason: 'rate_limit',
        retryAfterMs: 2_000,
      });

      vi.advanceTimersByTime(1_999);
      expect(health.unavailability('alpha', 'gpt')).toEqual({
        untilMs: startMs + 2_000,
        reason: 'rate_limit',
        kind: 'cooldown',
      });
      vi.advanceTimersByTime(1);
      expect(health.unavailability('alpha', 'gpt')).toBeUndefined();
    });

    it('back off 1, 2, 4 s and then stay at the cap without a retry-after', () => {
      const { health } = createHealth({ rateLimitInitialMs: 1_000, rateLimitMaxMs: 5_000 });
      const cooldownsMs: number[] = [];

      for (let strike = 0; strike < 5; strike += 1) {
        health.recordFailure({ profile: 'alpha', model: 'gpt', reason: 'rate_limit' });
        const cooldownMs = blockedForMs(health, 'alpha', 'gpt');
        vi.advanceTimersByTime(cooldownMs - 1);
        expect(health.unavailability('alpha', 'gpt')).toBeDefined();
        vi.advanceTimersByTime(1);
        expect(health.unavailability('alpha', 'gpt')).toBeUndefined();
        cooldownsMs.push(cooldownMs);
      }

      expect(cooldownsMs).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
    });

    it('restart the backoff after a success', () => {
      const { health } = createHealth({ rateLimitInitialMs: 1_000 });
      health.recordFailure({ profile: 'alpha', model: 'gpt', reason: 'rate_limit' });
      vi.advanceTimersByTime(1_000);
      health.recordFailure({ profile: 'alpha', model: 'gpt', reason: 'rate_limit' });
      vi.advanceTimersByTime(2_000);

      health.recordSuccess('alpha', 'gpt');
      health.recordFailure({ profile: 'alpha', model: 'gpt', reason: 'rate_limit' });

      expect(blockedForMs(health, 'alpha', 'gpt')).toBe(1_000);
    });

    it('are scoped to profile and model', () => {
      const { health } = createHealth();

      health.recordFailure({
        profile: 'alpha',
        model: 'gpt',
        reason: 'rate_limit',
        retryAfterMs: 60_000,
      });

      expect(health.unavailability('alpha', 'gpt')).toBeDefined();
      expect(health.unavailability('alpha', 'gpt-mini')).toBeUndefined();
      expect(health.unavailability('beta', 'gpt')).toBeUndefined();
    });

    it('never move a deadline earlier', () => {
      const { health, changes } = createHealth();

      health.recordFailure({
        profile: 'alpha',
        model: 'gpt',
        reason: 'rate_limit',
        retryAfterMs: 10_000,
      });
      vi.advanceTimersByTime(1_000);
      health.recordFailure({
        profile: 'alpha',
        model: 'gpt',
        reason: 'rate_limit',
        retryAfterMs: 2_000,
      });

      expect(health.unavailability('alpha', 'gpt')?.untilMs).toBe(startMs + 10_000);
      expect(changes).toHaveLength(1);
      vi.advanceTimersByTime(8_999);
      expect(health.unavailability('alpha', 'gpt')).toBeDefined();
      vi.advanceTimersByTime(1);
      expect(health.unavailability('alpha', 'gpt')).toBeUndefined();
    });

    it('move a deadline later', () => {
      const { health } = createHealth();

      health.recordFailure({
        profile: 'alpha',
        model: 'gpt',
        reason: 'rate_limit',
        retryAfterMs: 2_000,
      });
      health.recordFailure({
        profile: 'alpha',
        model: 'gpt',
        reason: 'rate_limit',
        retryAfterMs: 10_000,
      });

      expect(health.unavailability('alpha', 'gpt')?.untilMs).toBe(startMs + 10_000);
    });
  });

  describe('overloads', () => {
    it('cool the whole profile down for a short while', () => {
      const { health } = createHealth({ overloadedMs: 5_000 });

      health.recordFailure({ profile: 'alpha', model: 'gpt', reason: 'overloaded' });

      vi.advanceTimersByTime(4_999);
      expect(health.unavailability('alpha', 'gpt')).toEqual({
        untilMs: startMs + 5_000,
        reason: 'overloaded',
        kind: 'cooldown',
      });
      expect(health.unavailability('alpha', 'gpt-mini')?.reason).toBe('overloaded');
      vi.advanceTimersByTime(1);
      expect(health.unavailability('alpha', 'gpt')).toBeUndefined();
    });

    it('keep the longer of two overload cooldowns', () => {
      const { health } = createHealth({ overloadedMs: 5_000 });

      health.recordFailure({
        profile: 'alpha',
        model: 'gpt',
        reason: 'overloaded',
        retryAfterMs: 30_000,
      });
      health.recordFailure({ profile: 'alpha', model: 'gpt', reason: 'overloaded' });

      expect(health.unavailability('alpha', 'gpt')?.untilMs).toBe(startMs + 30_000);
    });
  });

  describe.each<FailoverReason>(['auth', 'billing'])('%s failures', (reason) => {
    it('disable the profile for a long period that doubles', () => {
      const { health, changes } = createHealth({
        disableInitialMs: 300_000,
        disableMaxMs: 1_000_000,
      });

      health.recordFailure({ profile: 'alpha', model: 'gpt', reason });
      vi.advanceTimersByTime(299_999);
      expect(health.unavailability('alpha', 'gpt-mini')).toEqual({
        untilMs: startMs + 300_000,
        reason,
        kind: 'disabled',
      });
      vi.advanceTimersByTime(1);
      expect(health.unavailability('alpha', 'gpt')).toBeUndefined();

      health.recordFailure({ profile: 'alpha', model: 'gpt', reason });
      expect(blockedForMs(health, 'alpha', 'gpt')).toBe(600_000);
      vi.advanceTimersByTime(600_000);
      health.recordFailure({ profile: 'alpha', model: 'gpt', reason });
      expect(blockedForMs(health, 'alpha', 'gpt')).toBe(1_000_000);

      expect(changes[0]).toEqual({
        type: 'profile-disabled',
        profile: 'alpha',
        untilMs: startMs + 300_000,
        reason,
      });
    });

    it('start again from the first period after a success', () => {
      const { health } = createHealth({ disableInitialMs: 300_000 });
      health.recordFailure({ profile: 'alpha', model: 'gpt', reason });
      vi.advanceTimersByTime(300_000);

      health.recordSuccess('alpha', 'gpt');
      health.recordFailure({ profile: 'alpha', model: 'gpt', reason });

      expect(blockedForMs(health, 'alpha', 'gpt')).toBe(300_000);
    });
  });

  describe('missing models', () => {
    it('disable that model on that profile only', () => {
      const { health, changes } = createHealth({ disableInitialMs: 300_000 });

      health.recordFailure({ profile: 'alpha', model: 'gpt-9', reason: 'model_not_found' });

      expect(health.unavailability('alpha', 'gpt-9')).toEqual({
        untilMs: startMs + 300_000,
        reason: 'model_not_found',
        kind: 'disabled',
      });
      expect(health.unavailability('alpha', 'gpt')).toBeUndefined();
      expect(changes).toEqual([
        {
          type: 'profile-disabled',
          profile: 'alpha',
          model: 'gpt-9',
          untilMs: startMs + 300_000,
          reason: 'model_not_found',
        },
      ]);
    });
  });

  it('reports the latest of a cooldown and a disable period', () => {
    const { health } = createHealth({ disableInitialMs: 300_000 });

    health.recordFailure({
      profile: 'alpha',
      model: 'gpt',
      reason: 'rate_limit',
      retryAfterMs: 5_000,
    });
    health.recordFailure({ profile: 'alpha', model: 'gpt', reason: 'auth' });

    expect(health.unavailability('alpha', 'gpt')).toEqual({
      untilMs: startMs + 300_000,
      reason: 'auth',
      kind: 'disabled',
    });
  });

  const leaveNoState = FAILOVER_REASONS.filter(
    (reason) =>
      !['auth', 'billing', 'rate_limit', 'overloaded', 'model_not_found'].includes(reason),
  );

  it.each(leaveNoState)('leaves no cooldown after %s', (reason) => {
    const store = new RecordingHealthStore();
    const { health, changes } = createHealth({ store });

    health.recordFailure({ profile: 'alpha', model: 'gpt', reason, retryAfterMs: 30_000 });

    expect(health.unavailability('alpha', 'gpt')).toBeUndefined();
    expect(store.writes).toEqual([]);
    expect(changes).toEqual([]);
  });

  it('leaves no cooldown after server_error, timeout, network or invalid_request', () => {
    expect(leaveNoState).toEqual(
      expect.arrayContaining(['server_error', 'timeout', 'network', 'invalid_request']),
    );
  });

  describe('with a custom HealthStore', () => {
    it('writes every change to the store it was given', () => {
      const store = new RecordingHealthStore();
      const { health } = createHealth({ store });

      health.recordFailure({
        profile: 'alpha',
        model: 'gpt',
        reason: 'rate_limit',
        retryAfterMs: 2_000,
      });
      health.recordFailure({ profile: 'beta', model: 'claude', reason: 'auth' });

      expect(store.writes).toEqual([modelKey('alpha', 'gpt'), profileKey('beta')]);
      expect(store.records.get('model:alpha:gpt')).toEqual({
        cooldownUntilMs: startMs + 2_000,
        cooldownReason: 'rate_limit',
        strikes: 1,
      });
    });

    it('reads what the store already holds, as after a restart', () => {
      const store = new RecordingHealthStore();
      store.records.set(profileKey('alpha'), {
        disabledUntilMs: startMs + 60_000,
        disabledReason: 'billing',
        strikes: 2,
      });
      const { health } = createHealth({ store });

      expect(health.unavailability('alpha', 'gpt')).toEqual({
        untilMs: startMs + 60_000,
        reason: 'billing',
        kind: 'disabled',
      });
      // A failure of an attempt that overlapped the stored period is the same incident.
      health.recordFailure({ profile: 'alpha', model: 'gpt', reason: 'billing' });
      expect(store.records.get(profileKey('alpha'))).toMatchObject({
        strikes: 2,
        disabledUntilMs: startMs + 60_000,
      });
      vi.setSystemTime(startMs + 60_000);
      health.recordFailure({ profile: 'alpha', model: 'gpt', reason: 'billing' });
      expect(store.records.get(profileKey('alpha'))?.strikes).toBe(3);
    });

    it('forgets a profile through the store on reset', () => {
      const store = new RecordingHealthStore();
      const { health } = createHealth({ store });
      health.recordFailure({ profile: 'alpha', model: 'gpt', reason: 'auth' });

      health.reset('alpha', 'gpt');

      expect(health.unavailability('alpha', 'gpt')).toBeUndefined();
      expect(store.writes.slice(-2)).toEqual([
        `delete ${profileKey('alpha')}`,
        `delete ${modelKey('alpha', 'gpt')}`,
      ]);
    });
  });
});

describe('ProfileHealth period ends', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(startMs);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  const ends = (changes: HealthChange[]): HealthChange[] =>
    changes.filter(
      (change) => change.type === 'cooldown-ended' || change.type === 'profile-enabled',
    );

  it('reports the end of a cooldown on time, with no call needed', () => {
    const { health, changes } = createHealth();
    health.recordFailure({
      profile: 'alpha',
      model: 'gpt',
      reason: 'rate_limit',
      retryAfterMs: 30_000,
    });

    vi.advanceTimersByTime(29_999);
    expect(ends(changes)).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(ends(changes)).toEqual([
      { type: 'cooldown-ended', profile: 'alpha', model: 'gpt', reason: 'rate_limit' },
    ]);
    expect(health.unavailability('alpha', 'gpt')).toBeUndefined();
  });

  it('reports the end of the later deadline only, once, when a cooldown moved later', () => {
    const { health, changes } = createHealth();
    health.recordFailure({
      profile: 'alpha',
      model: 'gpt',
      reason: 'overloaded',
      retryAfterMs: 1_000,
    });
    health.recordFailure({
      profile: 'alpha',
      model: 'gpt',
      reason: 'overloaded',
      retryAfterMs: 5_000,
    });

    vi.advanceTimersByTime(4_999);
    expect(ends(changes)).toEqual([]);
    vi.advanceTimersByTime(1);
    vi.advanceTimersByTime(60_000);
    expect(ends(changes)).toEqual([
      { type: 'cooldown-ended', profile: 'alpha', reason: 'overloaded' },
    ]);
  });

  it('reports a disabled profile enabled again when its period ends', () => {
    const { health, changes } = createHealth({ disableInitialMs: 60_000 });
    health.recordFailure({ profile: 'alpha', model: 'gpt', reason: 'billing' });

    vi.advanceTimersByTime(59_999);
    expect(ends(changes)).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(ends(changes)).toEqual([
      { type: 'profile-enabled', profile: 'alpha', reason: 'billing' },
    ]);
  });

  it('re-arms when another writer of a shared store moved the deadline later', () => {
    const store = new InMemoryHealthStore();
    const { health, changes } = createHealth({ store });
    health.recordFailure({
      profile: 'alpha',
      model: 'gpt',
      reason: 'overloaded',
      retryAfterMs: 1_000,
    });
    const record = store.get(profileKey('alpha'));
    store.set(profileKey('alpha'), { strikes: 0, ...record, cooldownUntilMs: startMs + 3_000 });

    vi.advanceTimersByTime(2_999);
    expect(ends(changes)).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(ends(changes)).toHaveLength(1);
  });

  it('reports nothing once closed, while the deadlines still hold', () => {
    const { health, changes } = createHealth();
    health.recordFailure({
      profile: 'alpha',
      model: 'gpt',
      reason: 'overloaded',
      retryAfterMs: 1_000,
    });
    health.close();

    expect(health.unavailability('alpha', 'gpt')?.untilMs).toBe(startMs + 1_000);
    vi.advanceTimersByTime(10_000);
    expect(ends(changes)).toEqual([]);
    expect(health.unavailability('alpha', 'gpt')).toBeUndefined();
  });

  describe('adopt', () => {
    it('forgets what was recorded with another credential', () => {
      const store = new InMemoryHealthStore();
      createHealth({ store }).health.recordFailure({
        profile: 'alpha',
        model: 'gpt',
        reason: 'auth',
        credentialId: 'key-1',
      });

      const { health } = createHealth({ store });
      health.adopt({ profile: 'alpha', model: 'gpt', credentialId: 'key-2' });

      expect(health.unavailability('alpha', 'gpt')).toBeUndefined();
      expect(store.get(profileKey('alpha'))).toBeUndefined();
    });

    it('keeps what was recorded with the same credential and reports its end', () => {
      const store = new InMemoryHealthStore();
      const first = createHealth({ store, disableInitialMs: 60_000 }).health;
      first.recordFailure({
        profile: 'alpha',
        model: 'gpt',
        reason: 'auth',
        credentialId: 'key-1',
      });
      first.close();

      const { health, changes } = createHealth({ store });
      health.adopt({ profile: 'alpha', model: 'gpt', credentialId: 'key-1' });

      expect(health.unavailability('alpha', 'gpt')).toMatchObject({
        kind: 'disabled',
        reason: 'auth',
      });
      vi.advanceTimersByTime(59_999);
      expect(ends(changes)).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(ends(changes)).toEqual([
        { type: 'profile-enabled', profile: 'alpha', reason: 'auth' },
      ]);
    });

    it('reports nothing for a period that ended before it was adopted', () => {
      const store = new InMemoryHealthStore();
      store.set(modelKey('alpha', 'gpt'), {
        cooldownUntilMs: startMs - 1,
        cooldownReason: 'rate_limit',
        strikes: 1,
      });
      const { health, changes } = createHealth({ store });
      health.adopt({ profile: 'alpha', model: 'gpt' });

      vi.advanceTimersByTime(1_000);
      expect(changes).toEqual([]);
    });
  });

  it('refuses a negative timing option, naming it', () => {
    expect(() => new ProfileHealth({ overloadedMs: -1 })).toThrow(
      new RangeError('overloadedMs must be a non-negative number of ms, got -1'),
    );
  });
});

describe('InMemoryHealthStore', () => {
  it('hands out copies, so a caller cannot change what it holds', () => {
    const store = new InMemoryHealthStore();
    const record: HealthRecord = { strikes: 1, cooldownUntilMs: 10 };
    store.set('key', record);

    record.strikes = 99;
    const read = store.get('key');
    if (read) read.cooldownUntilMs = 99;

    expect(store.get('key')).toEqual({ strikes: 1, cooldownUntilMs: 10 });
    store.delete('key');
    expect(store.get('key')).toBeUndefined();
  });
});
