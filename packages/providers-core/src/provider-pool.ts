import { linkedController, sleep } from './abortable.js';
import type { StreamEvent } from './chat.js';
import { CircuitBreaker, type BreakerTicket } from './circuit-breaker.js';
import { systemClock, type Clock } from './clock.js';
import { FAILOVER_POLICY } from './failover-policy.js';
import type { HealthStore } from './health-store.js';
import { nextWithin } from './idle-timeout.js';
import type {
  PoolEvent,
  PoolProfile,
  PoolRequest,
  PoolStreamEvent,
  ProfileSnapshot,
} from './pool-types.js';
import { ProfileHealth, type CooldownOptions } from './profile-health.js';
import { ProfileSelector, type SelectionStrategy } from './profile-selector.js';
import { ProviderError, isProviderError } from './provider-error.js';
import { ProvidersUnavailableError, type AttemptRecord } from './providers-unavailable-error.js';
import { StickyProfiles } from './sticky-profiles.js';
import { duration, positiveInteger } from './option-checks.js';
import { validateProfiles } from './pool-options.js';
import { collectErrorFacts, readField } from './collect-error-facts.js';
import { defaultClassifier } from './classifier.js';
import { isStreamEvent } from './stream-event-guard.js';

/** Options for `ProviderPool`. Durations in milliseconds. */
export interface ProviderPoolOptions {
  profiles: readonly PoolProfile[];
  /** Default `'priority'`. */
  strategy?: SelectionStrategy;
  /** Most attempts one call makes, across all profiles. Default 6. */
  maxAttempts?: number;
  /** Deadline of one call. Default 120 000. */
  deadlineMs?: number;
  /** Longest the pool waits for a profile to recover inside one call. Default 30 000. */
  maxWaitMs?: number;
  /** A stream with no event for this long is a `timeout`. Default 60 000. */
  idleTimeoutMs?: number;
  /** Backoff before retrying the same profile after `server_error` or `network`. Default 250. */
  retryBackoffMs?: number;
  breaker?: { maxFailures?: number; resetTimeoutMs?: number; probeTimeoutMs?: number };
  cooldowns?: CooldownOptions;
  healthStore?: HealthStore;
  clock?: Clock;
  /** Source of randomness for the `random` strategy, in [0, 1). Default `Math.random`. */
  random?: () => number;
  /**
   * Keeps each conversation (`PoolCallOptions.conversationKey`) on the profile that served its
   * last turn while that profile is healthy and in the best usable priority tier. Default off.
   */
  sticky?: boolean | { maxConversations?: number };
  /** Typed observability events; the pool itself never logs. */
  onEvent?: (event: PoolEvent) => void;
}

/** Options for one call. */
export interface PoolCallOptions {
  /** The caller's cancellation; aborting stops the upstream request and records nothing. */
  signal?: AbortSignal;
  /** Overrides the pool's deadline for this call. */
  deadlineMs?: number;
  /** Only profiles serving this model take the call. Default: any profile. */
  model?: string;
  /** Names the conversation for the pool's sticky mode; ignored when sticky is off. */
  conversationKey?: string;
  /**
   * Adapts the request to the profile about to be tried, e.g. to fit its context window.
   * Called once per attempt, before the provider sees the request. Default: sent as given.
   * It must not throw; if it does, the call ends with that error and no profile is blamed.
   */
  prepareRequest?: (request: PoolRequest, profile: AttemptProfile) => PoolRequest;
}

/** The profile an attempt goes to, as {@link PoolCallOptions.prepareRequest} sees it. */
export interface AttemptProfile {
  name: string;
  model: string;
  /** The profile's context window in tokens, when configured. */
  contextWindow?: number;
}

interface ProfileRuntime {
  profile: PoolProfile;
  breaker: CircuitBreaker;
  inFlight: number;
  /** This pool's half-open probe on the profile has not settled yet. */
  probeInFlight: boolean;
  totals: { attempts: number; successes: number; failures: number };
}

type AttemptOutcome = { ok: true } | { ok: false; error: ProviderError };

/**
 * A pool of provider profiles behind one streaming call, with failover, cooldowns and
 * circuit breaking as the failover table of the design fixes them.
 */
export class ProviderPool {
  private readonly runtimes: ProfileRuntime[];
  private readonly order: string[];
  private readonly health: ProfileHealth;
  private readonly selector: ProfileSelector;
  private readonly clock: Clock;
  private readonly settings: Required<
    Pick<
      ProviderPoolOptions,
      'maxAttempts' | 'deadlineMs' | 'maxWaitMs' | 'idleTimeoutMs' | 'retryBackoffMs'
    >
  >;
  private readonly emit: (event: PoolEvent) => void;
  private readonly stickiness: StickyProfiles | undefined;

  /** @throws RangeError naming the first invalid option or profile */
  constructor(options: ProviderPoolOptions) {
    const strategy = options.strategy ?? 'priority';
    validateProfiles(options.profiles, strategy);
    for (const name of ['random', 'onEvent'] as const) {
      if (options[name] !== undefined && typeof options[name] !== 'function') {
        throw new RangeError(`${name} must be a function`);
      }
    }

    this.clock = options.clock ?? systemClock;
    // An observer that throws must not break a call, a timer or the pool's bookkeeping.
    this.emit = (event) => {
      try {
        options.onEvent?.(event);
      } catch {
        // The observer's own failure is the observer's to report.
      }
    };
    this.settings = {
      maxAttempts: positiveInteger('maxAttempts', options.maxAttempts ?? 6),
      deadlineMs: duration('deadlineMs', options.deadlineMs ?? 120_000, { minimum: 1 }),
      maxWaitMs: duration('maxWaitMs', options.maxWaitMs ?? 30_000, { minimum: 0 }),
      idleTimeoutMs: duration('idleTimeoutMs', options.idleTimeoutMs ?? 60_000, {
        minimum: 1,
        allowInfinity: true,
      }),
      retryBackoffMs: duration('retryBackoffMs', options.retryBackoffMs ?? 250, { minimum: 0 }),
    };
    this.health = new ProfileHealth({
      ...options.cooldowns,
      clock: this.clock,
      onChange: this.emit,
      ...(options.healthStore ? { store: options.healthStore } : {}),
    });
    this.selector = new ProfileSelector(strategy, options.random);
    const sticky = options.sticky === true ? {} : options.sticky || undefined;
    this.stickiness = sticky ? new StickyProfiles(sticky.maxConversations) : undefined;
    this.order = options.profiles.map((profile) => profile.name);
    this.runtimes = options.profiles.map((profile) => ({
      profile,
      inFlight: 0,
      probeInFlight: false,
      totals: { attempts: 0, successes: 0, failures: 0 },
      breaker: new CircuitBreaker({
        ...options.breaker,
        clock: this.clock,
        onTransition: (from, to) => this.emit({ type: 'breaker', profile: profile.name, from, to }),
      }),
    }));
    for (const profile of options.profiles) {
      this.health.adopt({
        profile: profile.name,
        model: profile.model,
        ...(profile.credentialId === undefined ? {} : { credentialId: profile.credentialId }),
      });
    }
  }

  /** Stops the timers behind `cooldown-ended` and breaker events. Calls are not affected. */
  close(): void {
    this.health.close();
    for (const runtime of this.runtimes) runtime.breaker.close();
  }

  /**
   * Streams one chat call, failing over between profiles until the first content event has
   * been yielded. After that, an upstream failure throws a `ProviderError` marked `partial`.
   * Throws `ProvidersUnavailableError` when no profile can take the call in time.
   */
  async *stream(
    request: PoolRequest,
    options: PoolCallOptions = {},
  ): AsyncGenerator<PoolStreamEvent, void> {
    const deadlineMs = duration('deadlineMs', options.deadlineMs ?? this.settings.deadlineMs, {
      minimum: 1,
    });
    const deadlineAtMs = this.clock.now() + deadlineMs;
    const call = linkedController([options.signal], deadlineMs);
    const attempts: AttemptRecord[] = [];
    // Failed in this call and not worth another try in it.
    const excluded = new Set<string>();
    // Failed with a cooldown (rate limit, overload): skipped while other profiles can take the
    // call, then waited for, since the cooldown says when the profile recovers.
    const cooling = new Set<string>();
    const retriedOnce = new Set<string>();
    let retryProfile: string | undefined;
    let minContextWindow = 0;
    const eligible = (profile: PoolProfile): boolean =>
      (profile.contextWindow ?? 0) >= minContextWindow &&
      (options.model === undefined || profile.model === options.model);
    let lastFailure: { profile: string; error: ProviderError } | undefined;
    const { conversationKey } = options;
    let preferred =
      conversationKey === undefined ? undefined : this.stickiness?.get(conversationKey);

    try {
      while (true) {
        if (call.controller.signal.aborted) throw abortedError(call.controller.signal.reason);
        if (attempts.length >= this.settings.maxAttempts) {
          throw this.unavailable(attempts, eligible);
        }

        const chosen = this.choose(union(excluded, cooling), eligible, retryProfile, preferred);
        retryProfile = undefined;
        preferred = undefined;
        if (!chosen) {
          const waitMs = this.recoveryWaitMs(excluded, eligible);
          const remainingMs = deadlineAtMs - this.clock.now();
          // Waiting until the deadline itself would leave no time for the attempt.
          if (waitMs !== undefined && waitMs <= this.settings.maxWaitMs && waitMs < remainingMs) {
            await sleep(waitMs, call.controller.signal).catch((reason: unknown) => {
              throw abortedError(reason);
            });
            cooling.clear();
            continue;
          }
          // No larger window exists: the request itself must shrink, which no wait fixes.
          if (lastFailure?.error.reason === 'context_overflow') throw lastFailure.error;
          throw this.unavailable(attempts, eligible);
        }

        const { runtime, ticket } = chosen;
        const name = runtime.profile.name;
        if (lastFailure && lastFailure.profile !== name) {
          const { profile: from, error } = lastFailure;
          this.emit({ type: 'failover', from, to: name, reason: error.reason });
          yield { type: 'failover', from, to: name, reason: error.reason, message: error.message };
        }

        let prepared = request;
        if (options.prepareRequest) {
          const { profile } = runtime;
          try {
            prepared = options.prepareRequest(request, {
              name,
              model: profile.model,
              ...(profile.contextWindow === undefined
                ? {}
                : { contextWindow: profile.contextWindow }),
            });
          } catch (error) {
            runtime.breaker.release(ticket);
            throw error;
          }
        }

        const startedAtMs = this.clock.now();
        const outcome = yield* this.attempt({
          runtime,
          ticket,
          request: prepared,
          callSignal: call.controller.signal,
          attemptNumber: attempts.length + 1,
          // Recorded as the answer completes, even if the caller stops reading at its finish.
          onSuccess: () => {
            if (conversationKey !== undefined) this.stickiness?.set(conversationKey, name);
          },
        });
        const durationMs = this.clock.now() - startedAtMs;
        if (outcome.ok) {
          attempts.push({ profile: name, durationMs });
          return;
        }

        const { error } = outcome;
        attempts.push({ profile: name, reason: error.reason, message: error.message, durationMs });
        const policy = FAILOVER_POLICY[error.reason];
        if (!policy.tryNext && !policy.retrySameOnce) throw error;

        lastFailure = { profile: name, error };
        // A retry whose backoff outlasts the deadline would only end the call as aborted.
        const backoffFits = this.clock.now() + this.settings.retryBackoffMs < deadlineAtMs;
        if (policy.retrySameOnce && !retriedOnce.has(name) && backoffFits) {
          retriedOnce.add(name);
          retryProfile = name;
          await sleep(this.settings.retryBackoffMs, call.controller.signal).catch(
            (reason: unknown) => {
              throw abortedError(reason);
            },
          );
          continue;
        }
        if (error.reason === 'rate_limit' || error.reason === 'overloaded') cooling.add(name);
        else excluded.add(name);
        if (error.reason === 'context_overflow') {
          minContextWindow = Math.max(minContextWindow, (runtime.profile.contextWindow ?? 0) + 1);
        }
      }
    } finally {
      call.dispose();
    }
  }

  /** Every profile's state now, for status pages. Never contains credentials. */
  snapshot(): ProfileSnapshot[] {
    return this.runtimes.map((runtime) => {
      const { profile, breaker } = runtime;
      const blocked = this.health.unavailability(profile.name, profile.model);
      const breakerState = breaker.state.state;
      const state: ProfileSnapshot['state'] = blocked
        ? blocked.kind === 'disabled'
          ? 'disabled'
          : 'cooling_down'
        : breakerState === 'open'
          ? 'circuit_open'
          : 'ok';
      return {
        name: profile.name,
        provider: profile.provider.kind,
        model: profile.model,
        priority: profile.priority ?? 0,
        state,
        ...(blocked?.kind === 'cooldown' ? { cooldownUntilMs: blocked.untilMs } : {}),
        ...(blocked?.kind === 'disabled' ? { disabledUntilMs: blocked.untilMs } : {}),
        ...(blocked ? { unavailableReason: blocked.reason } : {}),
        breaker: breakerState,
        inFlight: runtime.inFlight,
        totals: { ...runtime.totals },
      };
    });
  }

  /**
   * Picks the profile for the next attempt: the one being retried, else the conversation's
   * sticky profile while it is healthy and in the best usable tier, else the strategy's pick.
   */
  private choose(
    excluded: ReadonlySet<string>,
    eligible: (profile: PoolProfile) => boolean,
    retrying: string | undefined,
    sticky: string | undefined,
  ): { runtime: ProfileRuntime; ticket: BreakerTicket } | undefined {
    const usable = this.runtimes.filter(
      (runtime) =>
        !excluded.has(runtime.profile.name) &&
        eligible(runtime.profile) &&
        !runtime.probeInFlight &&
        !this.health.unavailability(runtime.profile.name, runtime.profile.model) &&
        runtime.breaker.canAttempt(),
    );
    const bestPriority = Math.min(...usable.map((runtime) => runtime.profile.priority ?? 0));
    const stickyRuntime = usable.find(
      (runtime) =>
        runtime.profile.name === sticky &&
        (runtime.profile.priority ?? 0) === bestPriority &&
        runtime.breaker.state.state === 'closed',
    );
    const runtime =
      usable.find((runtime) => runtime.profile.name === retrying) ??
      stickyRuntime ??
      this.selector.select(
        usable.map((candidate) => ({
          name: candidate.profile.name,
          priority: candidate.profile.priority ?? 0,
          weight: candidate.profile.weight ?? 1,
          inFlight: candidate.inFlight,
          totalAttempts: candidate.totals.attempts,
          runtime: candidate,
        })),
        this.order,
      )?.runtime;
    if (!runtime) return undefined;
    const ticket = runtime.breaker.acquire();
    return ticket ? { runtime, ticket } : undefined;
  }

  /** Milliseconds until the soonest profile that could serve this call recovers. */
  private recoveryWaitMs(
    excluded: ReadonlySet<string>,
    eligible: (profile: PoolProfile) => boolean,
  ): number | undefined {
    const now = this.clock.now();
    let soonest: number | undefined;
    for (const runtime of this.runtimes) {
      const { profile } = runtime;
      if (excluded.has(profile.name) || !eligible(profile)) continue;
      const blocked = this.health.unavailability(profile.name, profile.model);
      const atMs = Math.max(blocked?.untilMs ?? now, runtime.breaker.availableAtMs());
      if (soonest === undefined || atMs < soonest) soonest = atMs;
    }
    return soonest === undefined ? undefined : Math.max(0, soonest - now);
  }

  private unavailable(
    attempts: readonly AttemptRecord[],
    eligible: (profile: PoolProfile) => boolean,
  ): ProvidersUnavailableError {
    const retryAfterMs = this.recoveryWaitMs(new Set(), eligible);
    const tried = attempts.map((attempt) => `${attempt.profile}: ${attempt.reason ?? 'ok'}`);
    const detail = tried.length > 0 ? ` (attempts: ${tried.join(', ')})` : '';
    return new ProvidersUnavailableError({
      attempts,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      message: `No provider profile is available${detail}`,
    });
  }

  private async *attempt(options: {
    runtime: ProfileRuntime;
    ticket: BreakerTicket;
    request: PoolRequest;
    callSignal: AbortSignal;
    attemptNumber: number;
    onSuccess: () => void;
  }): AsyncGenerator<PoolStreamEvent, AttemptOutcome> {
    const { runtime, ticket, request, callSignal, attemptNumber, onSuccess } = options;
    const { profile } = runtime;
    const upstream = linkedController([callSignal]);
    const startedAtMs = this.clock.now();
    const held: StreamEvent[] = [];
    let contentSent = false;
    let settled = false;
    let iterator: AsyncIterator<unknown> | undefined;
    let probeTimer: ReturnType<typeof setTimeout> | undefined;
    runtime.inFlight += 1;
    runtime.totals.attempts += 1;
    if (ticket.kind === 'probe') {
      runtime.probeInFlight = true;
      // A probe that never settles is ended here, so a half-open breaker never has two.
      const { probeTimeoutMs } = runtime.breaker;
      probeTimer = setTimeout(() => {
        const message = `half-open probe did not settle within ${probeTimeoutMs} ms`;
        upstream.controller.abort(new ProviderError(message, { reason: 'timeout' }));
      }, probeTimeoutMs);
    }
    this.emit({ type: 'attempt-start', profile: profile.name, attempt: attemptNumber });

    const finish = (outcome: 'success' | ProviderError): void => {
      settled = true;
      const durationMs = this.clock.now() - startedAtMs;
      if (outcome === 'success') {
        runtime.totals.successes += 1;
        runtime.breaker.onSuccess(ticket);
        this.health.recordSuccess(profile.name, profile.model);
        onSuccess();
      } else if (outcome.reason === 'aborted') {
        runtime.breaker.release(ticket);
      } else {
        runtime.totals.failures += 1;
        if (FAILOVER_POLICY[outcome.reason].countsForBreaker) runtime.breaker.onFailure(ticket);
        else runtime.breaker.release(ticket);
        this.health.recordFailure({
          profile: profile.name,
          model: profile.model,
          reason: outcome.reason,
          ...(outcome.retryAfterMs === undefined ? {} : { retryAfterMs: outcome.retryAfterMs }),
          ...(profile.credentialId === undefined ? {} : { credentialId: profile.credentialId }),
        });
      }
      const result = outcome === 'success' ? 'success' : outcome.reason;
      this.emit({
        type: 'attempt-end',
        profile: profile.name,
        attempt: attemptNumber,
        durationMs,
        outcome: result,
      });
    };

    try {
      // Inside the try: a provider that throws here, or returns no iterable, is a failed
      // attempt like any other.
      const stream = profile.provider.stream(
        { ...request, model: profile.model },
        { signal: upstream.controller.signal },
      );
      if (typeof (stream as { then?: unknown } | null)?.then === 'function') {
        // `async stream()` returns a promise, not an iterable; its rejection is handled here.
        (stream as unknown as Promise<unknown>).then(undefined, () => undefined);
        throw new ProviderError('the provider returned a promise instead of an async iterable', {
          reason: 'unknown',
        });
      }
      iterator = stream[Symbol.asyncIterator]();
      while (true) {
        const next = await nextWithin(iterator.next(), {
          idleTimeoutMs: this.settings.idleTimeoutMs,
          signal: upstream.controller.signal,
          onIdle: (error) => upstream.controller.abort(error),
        });
        // A stream that just stops is cut, not finished: it must never read as an answer.
        if (next.done) {
          throw new ProviderError('the stream ended without a finish event', {
            reason: 'unknown',
          });
        }
        const event: unknown = next.value;
        if (!isStreamEvent(event)) {
          throw new ProviderError('the provider yielded an event that is not a stream event', {
            reason: 'unknown',
          });
        }
        if (probeTimer !== undefined) {
          // The probe answers: from here the idle timeout watches it, like any attempt.
          clearTimeout(probeTimer);
          probeTimer = undefined;
          runtime.breaker.touch(ticket);
        }
        // An empty delta carries nothing for the caller; it must not end failover.
        if (event.type === 'text-delta' && event.text === '') continue;
        if (!contentSent && event.type === 'metadata') {
          held.push(event);
          continue;
        }
        if (!contentSent) {
          contentSent = true;
          yield { type: 'serving', profile: profile.name, model: profile.model };
          yield* held;
        }
        if (event.type === 'finish') {
          // The answer is complete: record it before the caller can stop reading, and read
          // no further from the upstream.
          finish('success');
          yield event;
          return { ok: true };
        }
        yield event;
      }
    } catch (thrown) {
      const error = callSignal.aborted
        ? abortedError(callSignal.reason)
        : classifyThrown(thrown).with({ profile: profile.name });
      finish(error);
      if (contentSent || error.reason === 'aborted') throw error.with({ partial: contentSent });
      return { ok: false, error };
    } finally {
      if (!settled) {
        // The caller stopped reading: nothing is held against the profile.
        runtime.breaker.release(ticket);
      }
      clearTimeout(probeTimer);
      if (ticket.kind === 'probe') runtime.probeInFlight = false;
      runtime.inFlight -= 1;
      upstream.controller.abort();
      upstream.dispose();
      closeQuietly(iterator);
    }
  }
}

function union(left: ReadonlySet<string>, right: ReadonlySet<string>): Set<string> {
  return new Set([...left, ...right]);
}

/** Anything a provider threw, as a `ProviderError`: classified from its shape when raw. */
function classifyThrown(thrown: unknown): ProviderError {
  try {
    if (isProviderError(thrown)) {
      // A reason outside the table (a typo in a provider or a user rule) is `unknown`.
      return Object.hasOwn(FAILOVER_POLICY, thrown.reason)
        ? thrown
        : new ProviderError(thrown.message, { reason: 'unknown', cause: thrown });
    }
    return defaultClassifier.toError(collectErrorFacts(thrown), thrown);
  } catch (error) {
    // Even a value hostile to being read (a revoked proxy) ends as a typed error.
    return new ProviderError('the provider failed with an unreadable error', {
      reason: 'unknown',
      cause: error,
    });
  }
}

function abortedError(reason: unknown): ProviderError {
  const message = readField(reason, 'message');
  return new ProviderError(
    typeof message === 'string' && message !== '' ? message : 'call aborted by the caller',
    { reason: 'aborted', cause: reason },
  );
}

/** Ends an upstream iterator without waiting for it, whatever it does. */
function closeQuietly(iterator: AsyncIterator<unknown> | undefined): void {
  try {
    const returned: unknown = iterator?.return?.();
    if (returned instanceof Promise) returned.catch(() => undefined);
  } catch {
    // A provider whose return() throws has nothing more to say.
  }
}
