import { describe, expect, it } from 'vitest';
import { MessageBus } from './message-bus.js';
import { MessageChannel } from './message-channel.js';
import type { MessageChannelOptions } from './message-channel-options.js';

describe('MessageChannel options', () => {
  it.each<[MessageChannelOptions<unknown>, string]>([
    [{ capacity: 0 }, 'capacity must be a positive integer, got 0'],
    [{ capacity: -3 }, 'capacity must be a positive integer, got -3'],
    [{ capacity: 2.5 }, 'capacity must be a positive integer, got 2.5'],
    [{ capacity: Number.NaN }, 'capacity must be a positive integer, got NaN'],
    [
      { lagThreshold: 0 },
      'lagThreshold must be a positive integer no greater than capacity (1000), got 0',
    ],
    [
      { lagThreshold: 1001 },
      'lagThreshold must be a positive integer no greater than capacity (1000), got 1001',
    ],
    [
      { capacity: 2, lagThreshold: 3 },
      'lagThreshold must be a positive integer no greater than capacity (2), got 3',
    ],
    [
      { capacity: 4, lagThreshold: 1.5 },
      'lagThreshold must be a positive integer no greater than capacity (4), got 1.5',
    ],
  ])('refuses %o', (options, message) => {
    expect(() => new MessageChannel(options)).toThrow(new RangeError(message));
    expect(() => new MessageBus(options)).toThrow(new RangeError(message));
  });

  it('accepts a lag threshold equal to the capacity', () => {
    expect(() => new MessageChannel({ capacity: 3, lagThreshold: 3 })).not.toThrow();
  });

  it('refuses an empty subscriber name and leaves the channel without that subscriber', () => {
    const channel = new MessageChannel<number>();

    expect(() => channel.subscribe(() => undefined, { name: '' })).toThrow(
      new RangeError('name must be a non-empty string, got ""'),
    );
    expect(channel.stats().subscribers).toEqual([]);
  });

  it('numbers unnamed subscribers by subscription, named ones included', () => {
    const channel = new MessageChannel<number>();
    channel.subscribe(() => undefined);
    channel.subscribe(() => undefined, { name: 'audit' });
    channel.subscribe(() => undefined);

    expect(channel.stats().subscribers.map((report) => report.name)).toEqual([
      'subscriber-1',
      'audit',
      'subscriber-3',
    ]);
  });
});
