import { describe, expect, it } from 'vitest';
import { MessageChannel } from './message-channel.js';
import { GatedHandler, settle } from './test-support/gated-handler.js';

describe('MessageChannel stats', () => {
  it('starts empty', () => {
    expect(new MessageChannel().stats()).toEqual({
      queued: 0,
      waitingPublishers: 0,
      published: 0,
      laggingSubscribers: 0,
      subscribers: [],
    });
  });

  it('counts exactly through a scripted sequence', async () => {
    const channel = new MessageChannel<string>({ capacity: 3, lagThreshold: 2 });
    await channel.publish('a');
    await channel.publish('b');

    expect(channel.stats()).toEqual({
      queued: 2,
      waitingPublishers: 0,
      published: 2,
      laggingSubscribers: 0,
      subscribers: [],
    });
    expect(channel.size).toBe(2);

    const slow = new GatedHandler<string>();
    const unsubscribeSlow = channel.subscribe(slow.handler, { name: 'slow' });
    channel.subscribe((message) => {
      if (message === 'b') throw new Error('flaky');
    });
    await settle();

    expect(channel.stats()).toEqual({
      queued: 0,
      waitingPublishers: 0,
      published: 2,
      laggingSubscribers: 0,
      subscribers: [
        {
          name: 'slow',
          pending: 1,
          delivered: 0,
          failed: 0,
          discarded: 0,
          lagging: false,
          lagEpisodes: 0,
        },
        {
          name: 'subscriber-2',
          pending: 0,
          delivered: 1,
          failed: 1,
          discarded: 0,
          lagging: false,
          lagEpisodes: 0,
        },
      ],
    });

    await channel.publish('c');
    await channel.publish('d');
    const fifth = channel.publish('e');
    await settle();

    expect(channel.stats()).toMatchObject({ waitingPublishers: 1, published: 4 });
    expect(channel.size).toBe(3);

    slow.release();
    await fifth;
    await settle();

    expect(channel.stats()).toEqual({
      queued: 0,
      waitingPublishers: 0,
      published: 5,
      laggingSubscribers: 1,
      subscribers: [
        {
          name: 'slow',
          pending: 3,
          delivered: 1,
          failed: 0,
          discarded: 0,
          lagging: true,
          lagEpisodes: 1,
        },
        {
          name: 'subscriber-2',
          pending: 0,
          delivered: 4,
          failed: 1,
          discarded: 0,
          lagging: false,
          lagEpisodes: 0,
        },
      ],
    });

    expect(unsubscribeSlow()).toEqual({
      name: 'slow',
      pending: 0,
      delivered: 1,
      failed: 0,
      discarded: 3,
      lagging: false,
      lagEpisodes: 1,
    });
    expect(channel.stats()).toMatchObject({ laggingSubscribers: 0, published: 5 });
    expect(channel.stats().subscribers.map((report) => report.name)).toEqual(['subscriber-2']);
    expect(channel.size).toBe(0);
  });
});

describe('MessageChannel unsubscribe', () => {
  it('discards pending messages, counts them and frees waiting publishers', async () => {
    const channel = new MessageChannel<number>({ capacity: 1 });
    const slow = new GatedHandler<number>();
    const fast: number[] = [];
    const unsubscribe = channel.subscribe(slow.handler, { name: 'slow' });
    channel.subscribe((message) => {
      fast.push(message);
    });
    await channel.publish(1);
    await channel.publish(2);
    let thirdQueued = false;
    const third = channel.publish(3).then(() => {
      thirdQueued = true;
    });
    await settle();
    expect(thirdQueued).toBe(false);

    const report = unsubscribe();
    await third;
    await settle();

    expect(report).toEqual({
      name: 'slow',
      pending: 0,
      delivered: 0,
      failed: 0,
      discarded: 1,
      lagging: false,
      lagEpisodes: 1,
    });
    expect(fast).toEqual([1, 2, 3]);
  });

  it('lets the handler call in flight finish and counts it on a later call', async () => {
    const channel = new MessageChannel<number>({ capacity: 4 });
    const slow = new GatedHandler<number>();
    const unsubscribe = channel.subscribe(slow.handler);
    await channel.publish(1);
    await channel.publish(2);

    expect(unsubscribe()).toMatchObject({ delivered: 0, discarded: 1 });
    let idle = false;
    const idling = channel.idle().then(() => {
      idle = true;
    });
    await settle();
    expect(idle).toBe(false);

    slow.release();
    await idling;

    expect(slow.finished).toEqual([1]);
    expect(unsubscribe()).toMatchObject({ delivered: 1, discarded: 1 });
  });

  it('discards the backlog for a subscriber that leaves before the hand-off', async () => {
    const channel = new MessageChannel<number>();
    await channel.publish(1);
    await channel.publish(2);
    const leaving: number[] = [];
    const staying: number[] = [];

    const unsubscribe = channel.subscribe((message) => {
      leaving.push(message);
    });
    channel.subscribe((message) => {
      staying.push(message);
    });
    const report = unsubscribe();
    await channel.idle();

    expect(report).toMatchObject({ pending: 0, delivered: 0, discarded: 2 });
    expect(leaving).toEqual([]);
    expect(staying).toEqual([1, 2]);
  });

  it('keeps messages published after the last subscriber left for the next one', async () => {
    const channel = new MessageChannel<number>();
    const unsubscribe = channel.subscribe(() => undefined);
    unsubscribe();
    await channel.publish(1);
    const received: number[] = [];
    channel.subscribe((message) => {
      received.push(message);
    });
    await channel.idle();

    expect(received).toEqual([1]);
  });
});
