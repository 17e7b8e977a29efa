import { describe, expect, it } from 'vitest';
import { MessageChannel } from './message-channel.js';
import { GatedHandler, settle } from './test-support/gated-handler.js';

/** Tracks whether a publish has resolved yet. */
function track(publish: Promise<void>): { readonly done: boolean; promise: Promise<void> } {
  const state = { done: false, promise: publish };
  void publish.then(() => {
    state.done = true;
  });
  return state;
}

describe('MessageChannel fan-out', () => {
  it('does not hold back a fast subscriber while a slow one has room', async () => {
    const channel = new MessageChannel<number>({ capacity: 3 });
    const slow = new GatedHandler<number>();
    const fast: number[] = [];
    channel.subscribe(slow.handler, { name: 'slow' });
    channel.subscribe((message) => {
      fast.push(message);
    });

    for (const message of [1, 2, 3, 4]) await channel.publish(message);
    await settle();

    expect(fast).toEqual([1, 2, 3, 4]);
    expect(slow.started).toEqual([1]);
    expect(channel.stats().subscribers.map((report) => report.pending)).toEqual([3, 0]);
  });

  it('holds back everyone once the slow subscriber is full', async () => {
    const channel = new MessageChannel<number>({ capacity: 3 });
    const slow = new GatedHandler<number>();
    const fast: number[] = [];
    channel.subscribe(slow.handler);
    channel.subscribe((message) => {
      fast.push(message);
    });
    for (const message of [1, 2, 3, 4]) await channel.publish(message);

    const fifth = track(channel.publish(5));
    await settle();

    expect(fifth.done).toBe(false);
    expect(fast).toEqual([1, 2, 3, 4]);

    slow.release();
    await fifth.promise;
    await settle();

    expect(fast).toEqual([1, 2, 3, 4, 5]);
    expect(slow.started).toEqual([1, 2]);
  });

  it('makes publish wait while any one subscriber is full and resumes when it drains', async () => {
    const channel = new MessageChannel<number>({ capacity: 2 });
    const first = new GatedHandler<number>();
    const second = new GatedHandler<number>();
    channel.subscribe(first.handler);
    channel.subscribe(second.handler);
    for (const message of [1, 2, 3]) await channel.publish(message);
    const fourth = track(channel.publish(4));

    first.release(10);
    await settle();

    expect(first.finished).toEqual([1, 2, 3]);
    expect(fourth.done).toBe(false);
    expect(channel.stats().waitingPublishers).toBe(1);

    second.release();
    await fourth.promise;
    second.release(10);
    await channel.idle();

    expect(first.finished).toEqual([1, 2, 3, 4]);
    expect(second.finished).toEqual([1, 2, 3, 4]);
    expect(channel.stats().waitingPublishers).toBe(0);
  });

  it('admits waiting publishers in the order they called publish', async () => {
    const channel = new MessageChannel<string>({ capacity: 1 });
    const slow = new GatedHandler<string>();
    channel.subscribe(slow.handler);
    await channel.publish('a');
    await channel.publish('b');
    const waiting = [channel.publish('c'), channel.publish('d'), channel.publish('e')];

    slow.release(10);
    await Promise.all(waiting);
    await channel.idle();

    expect(slow.finished).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('hands the backlog to every subscriber present on the next microtask', async () => {
    const channel = new MessageChannel<string>();
    await channel.publish('early');
    const first: string[] = [];
    const second: string[] = [];
    const late: string[] = [];

    channel.subscribe((message) => {
      first.push(message);
    });
    const between = channel.publish('between');
    channel.subscribe((message) => {
      second.push(message);
    });
    await between;
    await settle();
    channel.subscribe((message) => {
      late.push(message);
    });
    await channel.publish('after');
    await channel.idle();

    expect(first).toEqual(['early', 'between', 'after']);
    expect(second).toEqual(['early', 'between', 'after']);
    expect(late).toEqual(['after']);
  });

  it('keeps a message published by a handler behind the one that handler received', async () => {
    const channel = new MessageChannel<string>();
    const observed: string[] = [];
    channel.subscribe(async (message) => {
      if (message === 'question') await channel.publish('echo');
    });
    channel.subscribe((message) => {
      observed.push(message);
    });

    await channel.publish('question');
    await channel.idle();

    expect(observed).toEqual(['question', 'echo']);
  });

  it('drops queued messages on close, counts them and waits for handlers in flight', async () => {
    const channel = new MessageChannel<number>({ capacity: 5 });
    const slow = new GatedHandler<number>();
    channel.subscribe(slow.handler, { name: 'slow' });
    for (const message of [1, 2, 3]) await channel.publish(message);

    let closed = false;
    const closing = channel.close().then(() => {
      closed = true;
    });
    await settle();

    expect(closed).toBe(false);

    slow.release();
    await closing;

    expect(slow.finished).toEqual([1]);
    expect(channel.size).toBe(0);
    expect(channel.stats().subscribers).toEqual([
      {
        name: 'slow',
        pending: 0,
        delivered: 1,
        failed: 0,
        discarded: 2,
        lagging: false,
        lagEpisodes: 1,
      },
    ]);
  });
});
