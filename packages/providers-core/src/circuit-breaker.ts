import { systemClock, type Clock } from './clock.js';
import { positiveInteger } from './option-checks.js';

/** Breaker state. Fields that cannot coexist live in different variants. */
export type BreakerState =
  | { state: 'closed'; consecutiveFailures: number }
  | { state: 'open'; openedAtMs: number; halfOpenAtMs: number }
  | { state: 'half-open'; probe: { id: number; startedAtMs: number } | undefined };

/** Name of a breaker state, as it appears in events, snapshots and metrics. */
export type BreakerStateName = BreakerState['state'];

/** Permission to make one attempt; hand it back with `onSuccess`, `onFailure` or `release`. */
export type BreakerTicket = { kind: 'normal' } | { kind: 'probe'; id: number };

/** Options for `CircuitBreaker`. */
export interface CircuitBreakerOptions {
  /** Consecutive counted failures that open the breaker. Default 5. */
  maxFailures?: number;
  /** How long the breaker stays open before admitting a probe, in ms. Default 60 000. */
  resetTimeoutMs?: number;
  /** A probe that has not settled after this long is reclaimed, in ms. Default 30 000. */
  probeTimeoutMs?: number;
  clock?: Clock;
  /** Called on every state change. */
  onTransition?: (from: BreakerStateName, to: BreakerStateName) => void;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}

/**
 * A per-profile circuit breaker. Opens after `maxFailures` consecutive counted failures, stays
 * open for `resetTimeoutMs` (failures while open do not extend it), then admits exactly one
 * probe; the probe's success closes it, its failure reopens it, and a probe that never settles
 * is reclaimed after `probeTimeoutMs`.
 */
export class CircuitBreaker {
  private current: BreakerState = { state: 'closed', consecutiveFailures: 0 };
  private nextProbeId = 1;
  private readonly maxFailures: number;
  private readonly resetTimeoutMs: number;
  /** A probe that has not settled after this long is reclaimed, in ms. */
  readonly probeTimeoutMs: number;
  private halfOpenTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly clock: Clock;
  private readonly onTransition: CircuitBreakerOptions['onTransition'];

  constructor(options: CircuitBreakerOptions = {}) {
    this.maxFailures = positiveInteger('maxFailures', options.maxFailures ?? 5);
    this.resetTimeoutMs = positive('resetTimeoutMs', options.resetTimeoutMs ?? 60_000);
    this.probeTimeoutMs = positive('probeTimeoutMs', options.probeTimeoutMs ?? 30_000);
    this.clock = options.clock ?? systemClock;
    this.onTransition = options.onTransition;
  }

  /** The state at the current time (an elapsed open period reads as half-open). */
  get state(): BreakerState {
    const now = this.clock.now();
    const current = this.current;
    if (current.state === 'open' && now >= current.halfOpenAtMs) {
      this.moveTo({ state: 'half-open', probe: undefined });
    } else if (
      current.state === 'half-open' &&
      current.probe &&
      now - current.probe.startedAtMs >= this.probeTimeoutMs
    ) {
      this.current = { state: 'half-open', probe: undefined };
    }
    return this.current;
  }

  /** True when `acquire` would hand out a ticket now. */
  canAttempt(): boolean {
    const state = this.state;
    return state.state === 'closed' || (state.state === 'half-open' && !state.probe);
  }

  /** When the breaker will next admit an attempt (now if it already does), in epoch ms. */
  availableAtMs(): number {
    const state = this.state;
    const now = this.clock.now();
    if (state.state === 'open') return state.halfOpenAtMs;
    if (state.state === 'half-open' && state.probe) {
      return state.probe.startedAtMs + this.probeTimeoutMs;
    }
    return now;
  }

  /** Takes permission for one attempt, or undefined when the breaker refuses it. */
  acquire(): BreakerTicket | undefined {
    const state = this.state;
    if (state.state === 'closed') return { kind: 'normal' };
    if (state.state === 'open' || state.probe) return undefined;
    const id = this.nextProbeId++;
    this.current = { state: 'half-open', probe: { id, startedAtMs: this.clock.now() } };
    return { kind: 'probe', id };
  }

  /**
   * Whether a probe ticket still speaks for the half-open state: it holds the probe slot, or
   * it was reclaimed and no newer probe has been admitted since.
   */
  private isCurrentProbe(state: BreakerState, ticket: BreakerTicket): boolean {
    if (ticket.kind !== 'probe' || state.state !== 'half-open') return false;
    return state.probe ? state.probe.id === ticket.id : ticket.id === this.nextProbeId - 1;
  }

  /** A probe is answering: it is not reclaimed while its attempt keeps making progress. */
  touch(ticket: BreakerTicket): void {
    const state = this.state;
    if (ticket.kind === 'probe' && state.state === 'half-open' && state.probe?.id === ticket.id) {
      this.current = {
        state: 'half-open',
        probe: { id: ticket.id, startedAtMs: this.clock.now() },
      };
    }
  }

  /** The attempt succeeded. */
  onSuccess(ticket: BreakerTicket): void {
    const state = this.state;
    if (ticket.kind === 'probe') {
      if (this.isCurrentProbe(state, ticket)) {
        this.moveTo({ state: 'closed', consecutiveFailures: 0 });
      }
      return;
    }
    if (state.state === 'closed') this.current = { state: 'closed', consecutiveFailures: 0 };
  }

  /** The attempt failed with a reason the breaker counts. */
  onFailure(ticket: BreakerTicket): void {
    const state = this.state;
    if (ticket.kind === 'probe') {
      if (this.isCurrentProbe(state, ticket)) this.open();
      return;
    }
    if (state.state !== 'closed') return;
    const consecutiveFailures = state.consecutiveFailures + 1;
    if (consecutiveFailures >= this.maxFailures) this.open();
    else this.current = { state: 'closed', consecutiveFailures };
  }

  /** The attempt ended in a way the breaker does not count; a probe slot is freed. */
  release(ticket: BreakerTicket): void {
    const state = this.state;
    if (ticket.kind === 'probe' && state.state === 'half-open' && state.probe?.id === ticket.id) {
      this.current = { state: 'half-open', probe: undefined };
    }
  }

  /** Stops the timer that reports the end of an open period. The state still holds. */
  close(): void {
    clearTimeout(this.halfOpenTimer);
    this.halfOpenTimer = undefined;
  }

  private open(): void {
    const now = this.clock.now();
    this.moveTo({ state: 'open', openedAtMs: now, halfOpenAtMs: now + this.resetTimeoutMs });
    // Reading the state moves it to half-open; the timer does so on time, for observers.
    clearTimeout(this.halfOpenTimer);
    this.halfOpenTimer = setTimeout(() => {
      this.halfOpenTimer = undefined;
      void this.state;
    }, this.resetTimeoutMs);
    this.halfOpenTimer.unref?.();
  }

  private moveTo(next: BreakerState): void {
    const from = this.current.state;
    this.current = next;
    if (from !== next.state) this.onTransition?.(from, next.state);
  }
}
