import { describe, expect, it } from 'vitest';
import type { SubscriberReport } from './channel-stats.js';
import { MessageChannel } from './message-channel.js';
import { GatedHandler, settle } from './test-support/gated-handler.js';

type LagEvent = ['lagging' | 'caught-up', SubscriberReport];

/** A channel whose lag events land in `events`, with one gated `slow` and one `fast` subscriber. */
function lagChannel(options: { capacity: number; lagThreshold?: number }): {
  channel: MessageChannel<number>;
  slow: GatedHandler<number>;
  events: LagEvent[];
} {
  const events: LagEvent[] = [];
  const channel = new MessageChannel<number>({
    ...options,
    onSubscriberLagging: (report) => events.push(['lagging', report]),
    onSubscriberCaughtUp: (report) => events.push(['caught-up', report]),
  });
  const slow = new GatedHandler<number>();
  channel.subscribe(slow.handler, { name: 'slow' });
  channel.subscribe(() => undefined, { name: 'fast' });
  return { channel, slow, events };
}

/** Publishes each message in turn, letting the fast subscriber keep up. */
async function publishAll(channel: MessageChannel<number>, messages: number[]): Promise<void> {
  for (const message of messages) {
    await channel.publish(message);
    await settle();
  }
}

describe('MessageChannel lag reporting', () => {
  it('reports lagging once per episode and caught-up when pending drops to zero', async () => {
    const { channel, slow, events } = lagChannel({ capacity: 4, lagThreshold: 2 });

    await publishAll(channel, [1, 2]);
    expect(events).toEqual([]);

    await publishAll(channel, [3, 4]);
    expect(events).toEqual([
      [
        'lagging',
        {
          name: 'slow',
          pending: 2,
          delivered: 0,
          failed: 0,
          discarded: 0,
          lagging: true,
          lagEpisodes: 1,
        },
      ],
    ]);
    expect(channel.stats().laggingSubscribers).toBe(1);

    slow.release();
    slow.release();
    await settle();
    expect(events).toHaveLength(1);

    slow.release();
    await settle();
    expect(events.slice(1)).toEqual([
      [
        'caught-up',
        {
          name: 'slow',
          pending: 0,
          delivered: 3,
          failed: 0,
          discarded: 0,
          lagging: false,
          lagEpisodes: 1,
        },
      ],
    ]);
    expect(channel.stats().laggingSubscribers).toBe(0);

    await publishAll(channel, [5, 6]);
    slow.release(10);
    await channel.idle();

    expect(events.slice(2)).toEqual([
      [
        'lagging',
        {
          name: 'slow',
          pending: 2,
          delivered: 3,
          failed: 0,
          discarded: 0,
          lagging: true,
          lagEpisodes: 2,
        },
      ],
      [
        'caught-up',
        {
          name: 'slow',
          pending: 0,
          delivered: 5,
          failed: 0,
          discarded: 0,
          lagging: false,
          lagEpisodes: 2,
        },
      ],
    ]);
    expect(channel.stats().subscribers.map((report) => report.lagEpisodes)).toEqual([2, 0]);
  });

  it('lags at half the capacity by default: quiet at 499 pending, lagging at 500', async () => {
    const { channel, events } = lagChannel({ capacity: 1000 });

    await publishAll(
      channel,
      Array.from({ length: 500 }, (_, index) => index),
    );
    expect(channel.stats().subscribers[0]?.pending).toBe(499);
    expect(events).toEqual([]);

    await publishAll(channel, [500]);
    expect(events.map(([kind, report]) => [kind, report.name, report.pending])).toEqual([
      ['lagging', 'slow', 500],
    ]);
  });

  it('uses a threshold of one for a capacity of one', async () => {
    const { channel, events } = lagChannel({ capacity: 1 });

    await publishAll(channel, [1]);
    expect(events).toEqual([]);

    await publishAll(channel, [2]);
    expect(events.map(([kind, report]) => [kind, report.pending])).toEqual([['lagging', 1]]);
  });

  it('goes on delivering when the lag listeners throw', async () => {
    const channel = new MessageChannel<number>({
      capacity: 2,
      lagThreshold: 1,
      onSubscriberLagging: () => {
        throw new Error('lag listener failed');
      },
      onSubscriberCaughtUp: () => {
        throw new Error('caught-up listener failed');
      },
    });
    const slow = new GatedHandler<number>();
    channel.subscribe(slow.handler);

    await channel.publish(1);
    await channel.publish(2);
    await channel.publish(3);
    slow.release(10);
    await channel.idle();

    expect(slow.finished).toEqual([1, 2, 3]);
    expect(channel.stats().subscribers[0]).toMatchObject({ delivered: 3, lagEpisodes: 1 });
  });
});
