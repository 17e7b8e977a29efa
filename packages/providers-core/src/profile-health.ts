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
      type: 'cooldown-set' | 'profile-disabled';
      profile: string;
      model?: string;
      untilMs: number;
      reason: FailoverReason;
    }
  | {
      /** A cooldown or disable period ran out, on time and with no call needed. */
      type: 'cooldown-ended' | 'profile-enabled';
      profile: string;
      model?: string;
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

/** `setTimeout` cannot wait longer than this; longer waits are re-armed when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

type Scope = { profile: string; model?: string };
type BlockKind = Unavailability['kind'];

/**
 * Cooldowns and disable periods per profile, and per profile + model where the table says so.
 * A deadline only ever moves later; it ends by itself, and an `onChange` event reports the end
 * on time with no call needed (the timers are unref'd, so they never keep a process alive).
 */
export class ProfileHealth {
  private readonly store: HealthStore;
  private readonly clock: Clock;
  private readonly timing: Required<CooldownOptions>;
  private readonly onChange: ProfileHealthOptions['onChange'];
  private readonly endTimers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(options: ProfileHealthOptions = {}) {
    this.store = options.store ?? new InMemoryHealthStore();
    this.clock = options.clock ?? systemClock;
    this.onChange = options.onChange;
    this.timing = {
      rateLimitInitialMs: nonNegative('rateLimitInitialMs', options.rateLimitInitialMs ?? 1_000),
      rateLimitMaxMs: nonNegative('rateLimitMaxMs', options.rateLimitMaxMs ?? 300_000),
      overloadedMs: nonNegative('overloadedMs', options.overloadedMs ?? 5_000),
      disableInitialMs: nonNegative('disableInitialMs', options.disableInitialMs ?? 300_000),
      disableMaxMs: nonNegative('disableMaxMs', options.disableMaxMs ?? 86_400_000),
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

  /**
   * Takes over what the store holds for a profile, as after a restart: forgets it when the
   * profile's credential changed since it was recorded, and otherwise arms the events that
   * report the end of its current cooldown or disable period.
   */
  adopt(options: { profile: string; model: string; credentialId?: string }): void {
    const { profile, model, credentialId } = options;
    const keys = [profileKey(profile), modelKey(profile, model)];
    const changed = keys.some((key) => {
      const recorded = this.store.get(key)?.credentialId;
      return credentialId !== undefined && recorded !== undefined && recorded !== credentialId;
    });
    if (changed) {
      this.reset(profile, model);
      return;
    }
    const now = this.clock.now();
    const scopes: Scope[] = [{ profile }, { profile, model }];
    keys.forEach((key, index) => {
      const scope = scopes[index] ?? { profile };
      for (const kind of ['cooldown', 'disabled'] as const) {
        // A period that ended while nobody watched needs no event now.
        if ((this.blockOf(key, kind)?.untilMs ?? 0) > now) this.armEnd(key, scope, kind);
      }
    });
  }

  /** Applies the table's "profile state after" column for one failed attempt. */
  recordFailure(options: {
    profile: string;
    model: string;
    reason: FailoverReason;
    retryAfterMs?: number;
    credentialId?: string;
  }): void {
    const { profile, model, reason, retryAfterMs, credentialId } = options;
    switch (reason) {
      case 'auth':
      case 'billing':
        this.disable(profileKey(profile), { profile }, reason, credentialId);
        return;
      case 'model_not_found':
        this.disable(modelKey(profile, model), { profile, model }, reason, credentialId);
        return;
      case 'rate_limit': {
        const key = modelKey(profile, model);
        const strikes = (this.store.get(key)?.strikes ?? 0) + 1;
        const waitMs =
          retryAfterMs ??
          growing(this.timing.rateLimitInitialMs, this.timing.rateLimitMaxMs, strikes);
        this.cool({ key, scope: { profile, model }, reason, waitMs, strikes, credentialId });
        return;
      }
      case 'overloaded':
        this.cool({
          key: profileKey(profile),
          scope: { profile },
          reason,
          waitMs: retryAfterMs ?? this.timing.overloadedMs,
          credentialId,
        });
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
    for (const key of [profileKey(profile), modelKey(profile, model)]) {
      this.store.delete(key);
      for (const kind of ['cooldown', 'disabled'] as const) this.disarmEnd(key, kind);
    }
  }

  /** Stops the timers that report ended periods. The deadlines themselves still hold. */
  close(): void {
    for (const timer of this.endTimers.values()) clearTimeout(timer);
    this.endTimers.clear();
  }

  private cool(options: {
    key: string;
    scope: Scope;
    reason: FailoverReason;
    waitMs: number;
    strikes?: number;
    credentialId: string | undefined;
  }): void {
    const { key, scope, reason, waitMs, strikes, credentialId } = options;
    const record = this.store.get(key) ?? { strikes: 0 };
    const untilMs = Math.max(record.cooldownUntilMs ?? 0, this.clock.now() + Math.max(0, waitMs));
    const moved = untilMs !== record.cooldownUntilMs;
    this.store.set(key, {
      ...record,
      cooldownUntilMs: untilMs,
      cooldownReason: moved ? reason : (record.cooldownReason ?? reason),
      strikes: strikes ?? record.strikes,
      ...(credentialId === undefined ? {} : { credentialId }),
    });
    if (!moved) return;
    this.onChange?.({ type: 'cooldown-set', ...scope, untilMs, reason });
    this.armEnd(key, scope, 'cooldown');
  }

  private disable(
    key: string,
    scope: Scope,
    reason: FailoverReason,
    credentialId: string | undefined,
  ): void {
    const record = this.store.get(key) ?? { strikes: 0 };
    const strikes = record.strikes + 1;
    const periodMs = growing(this.timing.disableInitialMs, this.timing.disableMaxMs, strikes);
    const untilMs = Math.max(record.disabledUntilMs ?? 0, this.clock.now() + periodMs);
    this.store.set(key, {
      ...record,
      disabledUntilMs: untilMs,
      disabledReason: reason,
      strikes,
      ...(credentialId === undefined ? {} : { credentialId }),
    });
    this.onChange?.({ type: 'profile-disabled', ...scope, untilMs, reason });
    this.armEnd(key, scope, 'disabled');
  }

  /** Schedules the event that reports the end of the period now recorded under `key`. */
  private armEnd(key: string, scope: Scope, kind: BlockKind): void {
    this.disarmEnd(key, kind);
    const blocked = this.blockOf(key, kind);
    if (!blocked) return;
    const delayMs = Math.min(MAX_TIMER_MS, Math.max(0, blocked.untilMs - this.clock.now()));
    const timer = setTimeout(() => {
      this.endTimers.delete(timerKey(key, kind));
      const current = this.blockOf(key, kind);
      // Another writer of a shared store may have moved the deadline later, or cleared it.
      if (!current) return;
      if (current.untilMs > this.clock.now()) {
        this.armEnd(key, scope, kind);
        return;
      }
      const type = kind === 'cooldown' ? 'cooldown-ended' : 'profile-enabled';
      this.onChange?.({ type, ...scope, reason: current.reason });
    }, delayMs);
    timer.unref?.();
    this.endTimers.set(timerKey(key, kind), timer);
  }

  private disarmEnd(key: string, kind: BlockKind): void {
    const timer = this.endTimers.get(timerKey(key, kind));
    if (timer !== undefined) clearTimeout(timer);
    this.endTimers.delete(timerKey(key, kind));
  }

  /** The period of `kind` recorded under `key`, whether or not it has ended. */
  private blockOf(key: string, kind: BlockKind): Unavailability | undefined {
    const record = this.store.get(key);
    if (!record) return undefined;
    for (const blocked of blocks(record)) if (blocked.kind === kind) return blocked;
    return undefined;
  }
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative number of ms, got ${String(value)}`);
  }
  return value;
}

const timerKey = (key: string, kind: BlockKind): string => `${kind} ${key}`;

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
