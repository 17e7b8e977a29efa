import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import {
  CircuitBreaker,
  type BreakerStateName,
  type BreakerTicket,
  type CircuitBreakerOptions,
} from './circuit-breaker.js';

const maxFailures = 3;
const resetTimeoutMs = 10_000;
const probeTimeoutMs = 4_000;

function createBreaker(options: CircuitBreakerOptions = {}): {
  breaker: CircuitBreaker;
  transitions: Array<[BreakerStateName, BreakerStateName]>;
} {
  const transitions: Array<[BreakerStateName, BreakerStateName]> = [];
  const breaker = new CircuitBreaker({
    maxFailures,
    resetTimeoutMs,
    probeTimeoutMs,
    onTransition: (from, to) => transitions.push([from, to]),
    ...options,
  });
  return { breaker, transitions };
}

function acquired(breaker: CircuitBreaker): BreakerTicket {
  const ticket = breaker.acquire();
  if (!ticket) throw new Error('the breaker refused an attempt the test expected it to admit');
  return ticket;
}

function failTimes(breaker: CircuitBreaker, count: number): void {
  for (let failure = 0; failure < count; failure += 1) breaker.onFailure(acquired(breaker));
}

/** Opens the breaker and steps the clock to the end of its reset period. */
function openAndElapse(breaker: CircuitBreaker): void {
  failTimes(breaker, maxFailures);
  vi.advanceTimersByTime(resetTimeoutMs);
}

describe('CircuitBreaker', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2025-01-01T00:00:00Z'));
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts closed and admits normal attempts', () => {
    const { breaker } = createBreaker();

    expect(breaker.state).toEqual({ state: 'closed', consecutiveFailures: 0 });
    expect(breaker.acquire()).toEqual({ kind: 'normal' });
  });

  it('opens after N consecutive counted failures, not N-1', () => {
    const { breaker } = createBreaker();

    failTimes(breaker, maxFailures - 1);
    expect(breaker.state).toEqual({ state: 'closed', consecutiveFailures: maxFailures - 1 });
    expect(breaker.canAttempt()).toBe(true);

    failTimes(breaker, 1);
    expect(breaker.state.state).toBe('open');
    expect(breaker.canAttempt()).toBe(false);
    expect(breaker.acquire()).toBeUndefined();
  });

  it('resets the failure count on a success', () => {
    const { breaker } = createBreaker();

    failTimes(breaker, maxFailures - 1);
    breaker.onSuccess(acquired(breaker));
    failTimes(breaker, maxFailures - 1);

    expect(breaker.state).toEqual({ state: 'closed', consecutiveFailures: maxFailures - 1 });
  });

  it('does not count a released attempt', () => {
    const { breaker } = createBreaker();

    failTimes(breaker, maxFailures - 1);
    breaker.release(acquired(breaker));

    expect(breaker.state).toEqual({ state: 'closed', consecutiveFailures: maxFailures - 1 });
  });

  it('stays open until resetTimeoutMs has passed, then admits a probe', () => {
    const { breaker } = createBreaker();
    failTimes(breaker, maxFailures);
    const openedAtMs = Date.now();

    vi.advanceTimersByTime(resetTimeoutMs - 1);
    expect(breaker.state).toEqual({
      state: 'open',
      openedAtMs,
      halfOpenAtMs: openedAtMs + resetTimeoutMs,
    });
    expect(breaker.availableAtMs()).toBe(openedAtMs + resetTimeoutMs);
    expect(breaker.acquire()).toBeUndefined();

    vi.advanceTimersByTime(1);
    expect(breaker.state).toEqual({ state: 'half-open', probe: undefined });
    expect(breaker.availableAtMs()).toBe(Date.now());
    expect(breaker.acquire()).toEqual({ kind: 'probe', id: expect.any(Number) });
  });

  it('does not extend the open period for failures while open', () => {
    const { breaker } = createBreaker();
    const normalTickets = [
      acquired(breaker),
      acquired(breaker),
      acquired(breaker),
      acquired(breaker),
    ];
    for (const ticket of normalTickets.slice(0, maxFailures)) breaker.onFailure(ticket);
    const openedAtMs = Date.now();

    vi.advanceTimersByTime(resetTimeoutMs - 1);
    const lateTicket = normalTickets[maxFailures];
    if (!lateTicket) throw new Error('missing ticket');
    breaker.onFailure(lateTicket);

    expect(breaker.state).toEqual({
      state: 'open',
      openedAtMs,
      halfOpenAtMs: openedAtMs + resetTimeoutMs,
    });
    vi.advanceTimersByTime(1);
    expect(breaker.state.state).toBe('half-open');
  });

  it('admits exactly one probe in half-open', () => {
    const { breaker } = createBreaker();
    openAndElapse(breaker);

    expect(breaker.acquire()?.kind).toBe('probe');
    expect(breaker.canAttempt()).toBe(false);
    expect(breaker.acquire()).toBeUndefined();
  });

  it('closes when the probe succeeds', () => {
    const { breaker } = createBreaker();
    openAndElapse(breaker);

    breaker.onSuccess(acquired(breaker));

    expect(breaker.state).toEqual({ state: 'closed', consecutiveFailures: 0 });
    expect(breaker.acquire()).toEqual({ kind: 'normal' });
  });

  it('reopens for a full reset period when the probe fails', () => {
    const { breaker } = createBreaker();
    openAndElapse(breaker);
    const probe = acquired(breaker);
    vi.advanceTimersByTime(1_500);

    breaker.onFailure(probe);
    const reopenedAtMs = Date.now();

    expect(breaker.state).toEqual({
      state: 'open',
      openedAtMs: reopenedAtMs,
      halfOpenAtMs: reopenedAtMs + resetTimeoutMs,
    });
    vi.advanceTimersByTime(resetTimeoutMs - 1);
    expect(breaker.canAttempt()).toBe(false);
    vi.advanceTimersByTime(1);
    expect(breaker.canAttempt()).toBe(true);
  });

  it('reclaims a probe that never settles after probeTimeoutMs', () => {
    const { breaker } = createBreaker();
    openAndElapse(breaker);
    const probeStartedAtMs = Date.now();
    acquired(breaker);

    vi.advanceTimersByTime(probeTimeoutMs - 1);
    expect(breaker.canAttempt()).toBe(false);
    expect(breaker.availableAtMs()).toBe(probeStartedAtMs + probeTimeoutMs);

    vi.advanceTimersByTime(1);
    expect(breaker.canAttempt()).toBe(true);
    expect(breaker.acquire()?.kind).toBe('probe');
  });

  it('ignores the late result of a reclaimed probe', () => {
    const { breaker } = createBreaker();
    openAndElapse(breaker);
    const stalledProbe = acquired(breaker);
    vi.advanceTimersByTime(probeTimeoutMs);
    const freshProbe = acquired(breaker);

    breaker.onSuccess(stalledProbe);
    expect(breaker.state.state).toBe('half-open');
    breaker.onFailure(stalledProbe);
    expect(breaker.state.state).toBe('half-open');
    breaker.release(stalledProbe);
    expect(breaker.acquire()).toBeUndefined();

    breaker.onSuccess(freshProbe);
    expect(breaker.state.state).toBe('closed');
  });

  it('frees the probe slot when the probe is released', () => {
    const { breaker } = createBreaker();
    openAndElapse(breaker);

    breaker.release(acquired(breaker));

    expect(breaker.state).toEqual({ state: 'half-open', probe: undefined });
    expect(breaker.acquire()?.kind).toBe('probe');
  });

  it('ignores a normal ticket that settles after the breaker left closed', () => {
    const { breaker } = createBreaker();
    const slowTicket = acquired(breaker);
    openAndElapse(breaker);

    breaker.onSuccess(slowTicket);

    expect(breaker.state).toEqual({ state: 'half-open', probe: undefined });
  });

  it('reports every transition through onTransition', () => {
    const { breaker, transitions } = createBreaker();

    openAndElapse(breaker);
    expect(breaker.state.state).toBe('half-open');
    breaker.onFailure(acquired(breaker));
    vi.advanceTimersByTime(resetTimeoutMs);
    breaker.onSuccess(acquired(breaker));

    expect(transitions).toEqual([
      ['closed', 'open'],
      ['open', 'half-open'],
      ['half-open', 'open'],
      ['open', 'half-open'],
      ['half-open', 'closed'],
    ]);
  });

  it('uses an injected clock', () => {
    let nowMs = 0;
    const breaker = new CircuitBreaker({
      maxFailures: 1,
      resetTimeoutMs: 100,
      clock: { now: () => nowMs },
    });

    breaker.onFailure(acquired(breaker));
    nowMs = 99;
    expect(breaker.canAttempt()).toBe(false);
    nowMs = 100;
    expect(breaker.canAttempt()).toBe(true);
  });

  it.each<[keyof CircuitBreakerOptions, number, string]>([
    ['maxFailures', 0, 'maxFailures must be a positive integer, got 0'],
    ['maxFailures', -1, 'maxFailures must be a positive integer, got -1'],
    ['maxFailures', 2.5, 'maxFailures must be a positive integer, got 2.5'],
    ['maxFailures', Number.NaN, 'maxFailures must be a positive integer, got NaN'],
    ['resetTimeoutMs', 0, 'resetTimeoutMs must be a positive number, got 0'],
    [
      'resetTimeoutMs',
      Number.POSITIVE_INFINITY,
      'resetTimeoutMs must be a positive number, got Infinity',
    ],
    ['probeTimeoutMs', -5, 'probeTimeoutMs must be a positive number, got -5'],
  ])('throws a RangeError naming %s for %s', (option, value, message) => {
    const construct = (): CircuitBreaker => new CircuitBreaker({ [option]: value });

    expect(construct).toThrow(RangeError);
    expect(construct).toThrow(message);
  });
});
