import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SubscriberReport } from './channel-stats.js';
import { MessageChannel, type Unsubscribe } from './message-channel.js';

/** One scripted step. Handler delays and waits are in ms of fake time. */
type Step =
  | { kind: 'publish' }
  | { kind: 'subscribe'; delayMs: number; failsOnMultiplesOf: number }
  | { kind: 'unsubscribe'; pick: number }
  | { kind: 'wait'; delayMs: number };

interface Scenario {
  capacity: number;
  lagThreshold: number;
  steps: Step[];
}

/** What the test knows about one subscriber. */
interface Watched {
  name: string;
  /** The first message it is owed: published minus queued when it subscribed. */
  first: number;
  /** Messages published when it unsubscribed; undefined while it is subscribed. */
  end?: number;
  final?: SubscriberReport;
  unsubscribe: Unsubscribe;
  received: number[];
  lagReports: number;
  caughtUpReports: number;
}

const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'publish' as const }), weight: 6 },
  {
    arbitrary: fc.record({
      kind: fc.constant('subscribe' as const),
      delayMs: fc.constantFrom(0, 0, 1, 3),
      failsOnMultiplesOf: fc.constantFrom(0, 3, 5),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('unsubscribe' as const), pick: fc.nat(10) }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('wait' as const),
      delayMs: fc.integer({ min: 0, max: 4 }),
    }),
    weight: 2,
  },
);

const scenario: fc.Arbitrary<Scenario> = fc.integer({ min: 1, max: 4 }).chain((capacity) =>
  fc.record({
    capacity: fc.constant(capacity),
    lagThreshold: fc.integer({ min: 1, max: capacity }),
    steps: fc.array(step, { maxLength: 60 }),
  }),
);

async function run({ capacity, lagThreshold, steps }: Scenario): Promise<void> {
  const watched = new Map<string, Watched>();
  const channel = new MessageChannel<number>({
    capacity,
    lagThreshold,
    onSubscriberLagging: (report) => {
      const subscriber = watched.get(report.name);
      if (subscriber !== undefined) subscriber.lagReports += 1;
    },
    onSubscriberCaughtUp: (report) => {
      const subscriber = watched.get(report.name);
      if (subscriber !== undefined) subscriber.caughtUpReports += 1;
    },
  });
  const publishes: Array<Promise<void>> = [];
  let active: Watched[] = [];

  const subscribe = (delayMs: number, failsOnMultiplesOf: number): void => {
    const received: number[] = [];
    const stats = channel.stats();
    const name = `watched-${watched.size + 1}`;
    const unsubscribe = channel.subscribe(
      async (message) => {
        received.push(message);
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        if (failsOnMultiplesOf > 0 && message % failsOnMultiplesOf === 0) {
          throw new Error(`fails on ${message}`);
        }
      },
      { name },
    );
    const subscriber: Watched = {
      name,
      first: stats.published - stats.queued,
      unsubscribe,
      received,
      lagReports: 0,
      caughtUpReports: 0,
    };
    watched.set(name, subscriber);
    active.push(subscriber);
  };

  for (const current of steps) {
    if (current.kind === 'publish') publishes.push(channel.publish(publishes.length));
    if (current.kind === 'subscribe') subscribe(current.delayMs, current.failsOnMultiplesOf);
    if (current.kind === 'unsubscribe' && active.length > 0) {
      const subscriber = active[current.pick % active.length];
      if (subscriber === undefined) throw new Error('no subscriber picked');
      subscriber.end = channel.stats().published;
      subscriber.final = subscriber.unsubscribe();
      active = active.filter((candidate) => candidate !== subscriber);
    }
    if (current.kind === 'wait') await vi.advanceTimersByTimeAsync(current.delayMs);
  }
  if (active.length === 0) subscribe(0, 0);

  let finished = false;
  void Promise.all(publishes)
    .then(() => channel.idle())
    .then(() => {
      finished = true;
    });
  for (let round = 0; round < 10_000 && !finished; round += 1) {
    await vi.advanceTimersByTimeAsync(5);
  }
  expect(finished).toBe(true);

  const stats = channel.stats();
  expect(stats).toMatchObject({ queued: 0, waitingPublishers: 0, published: publishes.length });
  expect(stats.laggingSubscribers).toBe(0);

  const owned = new Set<number>();
  for (const subscriber of watched.values()) {
    const report =
      subscriber.final ?? stats.subscribers.find((candidate) => candidate.name === subscriber.name);
    if (report === undefined) throw new Error(`${subscriber.name} is missing from the stats`);
    const end = subscriber.end ?? publishes.length;
    const handled = end - subscriber.first - report.discarded;
    const expected = Array.from({ length: handled }, (_, index) => subscriber.first + index);

    expect(subscriber.received).toEqual(expected);
    if (subscriber.final === undefined) {
      expect(report).toMatchObject({ pending: 0, discarded: 0, lagging: false });
      expect(report.delivered + report.failed).toBe(subscriber.received.length);
      expect(subscriber.caughtUpReports).toBe(report.lagEpisodes);
    }
    expect(subscriber.lagReports).toBe(report.lagEpisodes);
    for (let message = subscriber.first; message < end; message += 1) owned.add(message);
  }
  // Nothing is dropped: every message was queued for (or kept for) some subscriber.
  expect(owned.size).toBe(publishes.length);
}

describe('MessageChannel property', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('delivers each message published while subscribed once, in order, dropping none', async () => {
    await fc.assert(fc.asyncProperty(scenario, run), { numRuns: 300 });
  });
});
