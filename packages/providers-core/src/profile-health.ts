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
  /**
   * Longest cooldown a `retry-after` may ask for; longer ones (or absurd dates) are cut to
   * it. Default 3 600 000 (one hour).
   */
  maxRetryAfterMs?: number;
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
    }
  | {
      /**
       * The health store failed. Reads that fail count as "no record" (the profile is tried
       * rather than everything blocked); writes that fail are lost.
       */
      type: 'health-store-error';
      operation: 'get' | 'set' | 'delete';
      key: string;
      error: unknown;
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
      maxRetryAfterMs: nonNegative('maxRetryAfterMs', options.maxRetryAfterMs ?? 3_600_000),
    };
    if (this.timing.rateLimitInitialMs > this.timing.rateLimitMaxMs) {
      throw new RangeError(
        `rateLimitInitialMs (${this.timing.rateLimitInitialMs}) must not exceed rateLimitMaxMs (${this.timing.rateLimitMaxMs})`,
      );
    }
    if (this.timing.disableInitialMs > this.timing.disableMaxMs) {
      throw new RangeError(
        `disableInitialMs (${this.timing.disableInitialMs}) must not exceed disableMaxMs (${this.timing.disableMaxMs})`,
      );
    }
  }

  /** The soonest moment the profile can serve `model`, or undefined when it can now. */
  unavailability(profile: string, model: string): Unavailability | undefined {
    const now = this.clock.now();
    let worst: Unavailability | undefined;
    for (const key of [profileKey(profile), modelKey(profile, model)]) {
      const record = this.read(key);
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
      const recorded = this.read(key)?.credentialId;
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
        const record = this.read(key);
        // Failures of attempts that overlapped a cooldown are one incident, not repeats.
        const active = (record?.cooldownUntilMs ?? 0) > this.clock.now();
        const strikes = (record?.strikes ?? 0) + (active ? 0 : 1);
        const waitMs =
          this.capRetryAfter(retryAfterMs) ??
          (active
            ? 0
            : growing(this.timing.rateLimitInitialMs, this.timing.rateLimitMaxMs, strikes));
        this.cool({ key, scope: { profile, model }, reason, waitMs, strikes, credentialId });
        return;
      }
      case 'overloaded':
        this.cool({
          key: profileKey(profile),
          scope: { profile },
          reason,
          waitMs: this.capRetryAfter(retryAfterMs) ?? this.timing.overloadedMs,
          credentialId,
        });
        return;
      default:
        return;
    }
  }

  /**
   * A success proves the key and the model work: it ends a disable period at once and resets
   * the growth of later periods. A cooldown the upstream asked for still runs its course.
   */
  recordSuccess(profile: string, model: string): void {
    const scopes: Scope[] = [{ profile }, { profile, model }];
    [profileKey(profile), modelKey(profile, model)].forEach((key, index) => {
      const record = this.read(key);
      if (!record) return;
      const disabled = (record.disabledUntilMs ?? 0) > this.clock.now();
      if (record.strikes === 0 && !disabled) return;
      const { disabledReason } = record;
      const next: HealthRecord = { ...record, strikes: 0 };
      if (disabled) {
        delete next.disabledUntilMs;
        delete next.disabledReason;
      }
      this.write(key, next);
      if (disabled) {
        this.disarmEnd(key, 'disabled');
        this.report({
          type: 'profile-enabled',
          ...(scopes[index] ?? { profile }),
          reason: disabledReason ?? 'unknown',
        });
      }
    });
  }

  /** Forgets everything about a profile (its credential or model changed). */
  reset(profile: string, model: string): void {
    for (const key of [profileKey(profile), modelKey(profile, model)]) {
      this.remove(key);
      for (const kind of ['cooldown', 'disabled'] as const) this.disarmEnd(key, kind);
    }
  }

  private read(key: string): HealthRecord | undefined {
    try {
      return this.store.get(key);
    } catch (error) {
      this.report({ type: 'health-store-error', operation: 'get', key, error });
      return undefined;
    }
  }

  /** Writes a record; false (after reporting) when the store failed. */
  private write(key: string, record: HealthRecord): boolean {
    try {
      this.store.set(key, record);
      return true;
    } catch (error) {
      this.report({ type: 'health-store-error', operation: 'set', key, error });
      return false;
    }
  }

  private remove(key: string): void {
    try {
      this.store.delete(key);
    } catch (error) {
      this.report({ type: 'health-store-error', operation: 'delete', key, error });
    }
  }

  /** Tells the observer; an observer that throws must not break a call or a timer. */
  private report(change: HealthChange): void {
    try {
      this.onChange?.(change);
    } catch {
      // The observer's own failure is the observer's to report.
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
    const record = this.read(key) ?? { strikes: 0 };
    const untilMs = Math.max(record.cooldownUntilMs ?? 0, this.clock.now() + Math.max(0, waitMs));
    const moved = untilMs !== record.cooldownUntilMs;
    const written = this.write(key, {
      ...record,
      cooldownUntilMs: untilMs,
      cooldownReason: moved ? reason : (record.cooldownReason ?? reason),
      strikes: strikes ?? record.strikes,
      ...(credentialId === undefined ? {} : { credentialId }),
    });
    // A cooldown the store did not keep is not in force: announcing it would mislead.
    if (!moved || !written) return;
    this.report({ type: 'cooldown-set', ...scope, untilMs, reason });
    this.armEnd(key, scope, 'cooldown');
  }

  private capRetryAfter(retryAfterMs: number | undefined): number | undefined {
    if (retryAfterMs === undefined || Number.isNaN(retryAfterMs)) return undefined;
    return Math.min(Math.max(0, retryAfterMs), this.timing.maxRetryAfterMs);
  }

  private disable(
    key: string,
    scope: Scope,
    reason: FailoverReason,
    credentialId: string | undefined,
  ): void {
    const record = this.read(key) ?? { strikes: 0 };
    // Attempts already in flight when the profile was disabled fail the same way; they are
    // the same incident and must not grow the period.
    if ((record.disabledUntilMs ?? 0) > this.clock.now() && record.disabledReason === reason) {
      return;
    }
    const strikes = record.strikes + 1;
    const periodMs = growing(this.timing.disableInitialMs, this.timing.disableMaxMs, strikes);
    const untilMs = Math.max(record.disabledUntilMs ?? 0, this.clock.now() + periodMs);
    const written = this.write(key, {
      ...record,
      disabledUntilMs: untilMs,
      disabledReason: reason,
      strikes,
      ...(credentialId === undefined ? {} : { credentialId }),
    });
    if (!written) return;
    this.report({ type: 'profile-disabled', ...scope, untilMs, reason });
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
      this.report({ type, ...scope, reason: current.reason });
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
    const record = this.read(key);
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

/** Store key of a profile-wide record. Names are encoded, so no two keys can collide. */
export const profileKey = (profile: string): string => `profile:${encodeURIComponent(profile)}`;
/** Store key of a record scoped to one model on one profile. */
export const modelKey = (profile: string, model: string): string =>
  `model:${encodeURIComponent(profile)}:${encodeURIComponent(model)}`;
