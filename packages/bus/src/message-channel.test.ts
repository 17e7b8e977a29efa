import { describe, expect, it } from 'vitest';
import { BusClosedError, isBusClosedError } from './bus-closed-error.js';
import { MessageChannel } from './message-channel.js';

/** Lets pending promise callbacks run. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn += 1) await Promise.resolve();
}

describe('MessageChannel', () => {
  it('delivers every message to every subscriber in publish order', async () => {
    const channel = new MessageChannel<number>();
    const first: number[] = [];
    const second: number[] = [];
    channel.subscribe((message) => {
      first.push(message);
    });
    channel.subscribe((message) => {
      second.push(message);
    });

    await channel.publish(1);
    await channel.publish(2);
    await channel.idle();

    expect(first).toEqual([1, 2]);
    expect(second).toEqual([1, 2]);
  });

  it('keeps messages until someone subscribes', async () => {
    const channel = new MessageChannel<string>();
    await channel.publish('early');
    expect(channel.size).toBe(1);

    const received: string[] = [];
    channel.subscribe((message) => {
      received.push(message);
    });
    await channel.idle();

    expect(received).toEqual(['early']);
  });

  it('makes publish wait while the queue is full and admits it when room frees', async () => {
    const channel = new MessageChannel<number>({ capacity: 2 });
    await channel.publish(1);
    await channel.publish(2);

    let thirdQueued = false;
    const third = channel.publish(3).then(() => {
      thirdQueued = true;
    });
    await settle();
    expect(thirdQueued).toBe(false);

    const received: number[] = [];
    channel.subscribe((message) => {
      received.push(message);
    });
    await third;
    await channel.idle();

    expect(thirdQueued).toBe(true);
    expect(received).toEqual([1, 2, 3]);
  });

  it('awaits a slow subscriber before delivering the next message', async () => {
    const channel = new MessageChannel<number>();
    const events: string[] = [];
    channel.subscribe(async (message) => {
      events.push(`start ${message}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      events.push(`end ${message}`);
    });

    await channel.publish(1);
    await channel.publish(2);
    await channel.idle();

    expect(events).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('reports a throwing subscriber and goes on delivering', async () => {
    const errors: Array<[unknown, number]> = [];
    const channel = new MessageChannel<number>({
      onHandlerError: (error, message) => errors.push([error, message]),
    });
    const received: number[] = [];
    const failure = new Error('handler failed');
    channel.subscribe((message) => {
      if (message === 1) throw failure;
    });
    channel.subscribe((message) => {
      received.push(message);
    });

    await channel.publish(1);
    await channel.publish(2);
    await channel.idle();

    expect(errors).toEqual([[failure, 1]]);
    expect(received).toEqual([1, 2]);
  });

  it('stops delivering to an unsubscribed handler', async () => {
    const channel = new MessageChannel<number>();
    const received: number[] = [];
    const unsubscribe = channel.subscribe((message) => {
      received.push(message);
    });

    await channel.publish(1);
    await channel.idle();
    unsubscribe();
    unsubscribe();
    await channel.publish(2);

    expect(received).toEqual([1]);
    expect(channel.size).toBe(1);
  });

  it('rejects waiting and later publishers once closed', async () => {
    const channel = new MessageChannel<number>({ capacity: 1 });
    await channel.publish(1);
    const waiting = channel.publish(2);

    await channel.close();

    await expect(waiting).rejects.toBeInstanceOf(BusClosedError);
    const late = await channel.publish(3).catch((error: unknown) => error);
    expect(isBusClosedError(late)).toBe(true);
    expect(channel.size).toBe(0);
  });

  it('rejects a waiting publish when its signal aborts', async () => {
    const channel = new MessageChannel<number>({ capacity: 1 });
    await channel.publish(1);
    const controller = new AbortController();
    const waiting = channel.publish(2, { signal: controller.signal });

    controller.abort(new Error('gave up'));

    await expect(waiting).rejects.toThrow('gave up');
    const received: number[] = [];
    channel.subscribe((message) => {
      received.push(message);
    });
    await channel.idle();
    expect(received).toEqual([1]);
  });

  it('refuses a capacity below one', () => {
    expect(() => new MessageChannel({ capacity: 0 })).toThrow(
      new RangeError('capacity must be a positive integer, got 0'),
    );
  });
});
