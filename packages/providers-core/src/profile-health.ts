import { systemClock, type Clock } from './clock.js';
import type { FailoverReason } from './failover-reason.js';
import { InMemoryHealthStore, type HealthRecord, type HealthStore } from './health-store.js';

/** Timing of cooldowns and disable periods. All in milliseconds. */
export interface CooldownOptions {
  /** First rate-limit cooldown when no retry-after is given; doubles per strike. Default 1 000. */
  rateLimitInitialMs?: number;
  /** Cap of the rate-limit backoff. Default 300 000. */
  rateLimitMaxMs?: number;
  /** Cooldown after an overload (503/529). Default 5 000. */
  overloadedMs?: number;
  /** First disable period for auth/billing/missing model; doubles per strike. Default 300 000. */
  disableInitialMs?: number;
  /** Cap of the disable period. Default 86 400 000 (one day). */
  disableMaxMs?: number;
}

/** Why a profile cannot take an attempt right now. */
export interface Unavailability {
  untilMs: number;
  reason: FailoverReason;
  kind: 'cooldown' | 'disabled';
}

/** Something `ProfileHealth` changed, for observers. */
export type HealthChange =
  | {
      type: 'cooldown-set';
      profile: string;
      model?: string;
      untilMs: number;
      reason: FailoverReason;
    }
  | {
      type: 'profile-disabled';
      profile: string;
      model?: string;
      untilMs: number;
      reason: FailoverReason;
    };

/** Options for `ProfileHealth`. */
export interface ProfileHealthOptions extends CooldownOptions {
  store?: HealthStore;
  clock?: Clock;
  onChange?: (change: HealthChange) => void;
}

const growing = (initialMs: number, maxMs: number, strikes: number): number =>
  Math.min(maxMs, initialMs * 2 ** Math.min(Math.max(strikes - 1, 0), 40));

/**
 * Cooldowns and disable periods per profile, and per profile + model where the table says so.
 * A deadline only ever moves later; nothing needs to run for it to end.
 */
export class ProfileHealth {
  private readonly store: HealthStore;
  private readonly clock: Clock;
  private readonly timing: Required<CooldownOptions>;
  private readonly onChange: ProfileHealthOptions['onChange'];

  constructor(options: ProfileHealthOptions = {}) {
    this.store = options.store ?? new InMemoryHealthStore();
    this.clock = options.clock ?? systemClock;
    this.onChange = options.onChange;
    this.timing = {
      rateLimitInitialMs: options.rateLimitInitialMs ?? 1_000,
      rateLimitMaxMs: options.rateLimitMaxMs ?? 300_000,
      overloadedMs: options.overloadedMs ?? 5_000,
      disableInitialMs: options.disableInitialMs ?? 300_000,
      disableMaxMs: options.disableMaxMs ?? 86_400_000,
    };
  }

  /** The soonest moment the profile can serve `model`, or undefined when it can now. */
  unavailability(profile: string, model: string): Unavailability | undefined {
    const now = this.clock.now();
    let worst: Unavailability | undefined;
    for (const key of [profileKey(profile), modelKey(profile, model)]) {
      const record = this.store.get(key);
      if (!record) continue;
      for (const blocked of blocks(record)) {
        if (blocked.untilMs > now && (!worst || blocked.untilMs > worst.untilMs)) worst = blocked;
      }
    }
    return worst;
  }

  /** Applies the table's "profile state after" column for one failed attempt. */
  recordFailure(options: {
    profile: string;
    model: string;
    reason: FailoverReason;
    retryAfterMs?: number;
  }): void {
    const { profile, model, reason, retryAfterMs } = options;
    switch (reason) {
      case 'auth':
      case 'billing':
        this.disable(profileKey(profile), { profile }, reason);
        return;
      case 'model_not_found':
        this.disable(modelKey(profile, model), { profile, model }, reason);
        return;
      case 'rate_limit': {
        const key = modelKey(profile, model);
        const strikes = (this.store.get(key)?.strikes ?? 0) + 1;
        const waitMs =
          retryAfterMs ??
          growing(this.timing.rateLimitInitialMs, this.timing.rateLimitMaxMs, strikes);
        this.cool(key, { profile, model }, reason, waitMs, strikes);
        return;
      }
      case 'overloaded':
        this.cool(
          profileKey(profile),
          { profile },
          reason,
          retryAfterMs ?? this.timing.overloadedMs,
        );
        return;
      default:
        return;
    }
  }

  /** A success resets the growth of future cooldowns and disable periods. */
  recordSuccess(profile: string, model: string): void {
    for (const key of [profileKey(profile), modelKey(profile, model)]) {
      const record = this.store.get(key);
      if (record && record.strikes !== 0) this.store.set(key, { ...record, strikes: 0 });
    }
  }

  /** Forgets everything about a profile (its credential or model changed). */
  reset(profile: string, model: string): void {
    this.store.delete(profileKey(profile));
    this.store.delete(modelKey(profile, model));
  }

  private cool(
    key: string,
    scope: { profile: string; model?: string },
    reason: FailoverReason,
    waitMs: number,
    strikes?: number,
  ): void {
    const record = this.store.get(key) ?? { strikes: 0 };
    const untilMs = Math.max(record.cooldownUntilMs ?? 0, this.clock.now() + Math.max(0, waitMs));
    const moved = untilMs !== record.cooldownUntilMs;
    this.store.set(key, {
      ...record,
      cooldownUntilMs: untilMs,
      cooldownReason: moved ? reason : (record.cooldownReason ?? reason),
      strikes: strikes ?? record.strikes,
    });
    if (moved) this.onChange?.({ type: 'cooldown-set', ...scope, untilMs, reason });
  }

  private disable(
    key: string,
    scope: { profile: string; model?: string },
    reason: FailoverReason,
  ): void {
    const record = this.store.get(key) ?? { strikes: 0 };
    const strikes = record.strikes + 1;
    const periodMs = growing(this.timing.disableInitialMs, this.timing.disableMaxMs, strikes);
    const untilMs = Math.max(record.disabledUntilMs ?? 0, this.clock.now() + periodMs);
    this.store.set(key, { ...record, disabledUntilMs: untilMs, disabledReason: reason, strikes });
    this.onChange?.({ type: 'profile-disabled', ...scope, untilMs, reason });
  }
}

function* blocks(record: HealthRecord): Generator<Unavailability> {
  if (record.cooldownUntilMs !== undefined) {
    yield {
      untilMs: record.cooldownUntilMs,
      reason: record.cooldownReason ?? 'unknown',
      kind: 'cooldown',
    };
  }
  if (record.disabledUntilMs !== undefined) {
    yield {
      untilMs: record.disabledUntilMs,
      reason: record.disabledReason ?? 'unknown',
      kind: 'disabled',
    };
  }
}

/** Store key of a profile-wide record. */
export const profileKey = (profile: string): string => `profile:${profile}`;
/** Store key of a record scoped to one model on one profile. */
export const modelKey = (profile: string, model: string): string => `model:${profile}:${model}`;
